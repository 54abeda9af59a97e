import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildTeacher } from '../../factories/users.js';
import { meetingEventPayload, startFakeZoom, type FakeMeeting } from '../../fakes/zoom.js';

const SECRET = 'zoom-webhook-secret-for-tests';
const clock = new ManualClock(new Date('2026-01-15T10:00:00Z'));
const zoom = await startFakeZoom({ now: () => clock.now() });
afterAll(() => zoom.close());
const app = await createTestApp({
  clock,
  env: { ZOOM_WEBHOOK_SECRET: SECRET, ZOOM_OAUTH_URL: zoom.url, ZOOM_API_URL: zoom.apiUrl, START_RATE_PER_MIN: '0' },
});
const hook = `${app.url}/api/webhooks/zoom`;

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return app.infra.orm.em.fork().getConnection().execute(query, params, 'all');
}

beforeAll(async () => {
  // Four Zoom accounts of capacity 1, stored the way the admin API stores them (credentials sealed).
  for (let i = 1; i <= 4; i += 1) {
    const credentials = { accountId: `acc-${i}`, clientId: `client-${i}`, clientSecret: `secret-${i}`, userId: `host${i}@school.test` };
    await sql(
      `insert into meeting_accounts (id, provider, label, email, provider_user_id, credentials_sealed, capacity, active, created_at)
       values (?, 'zoom', ?, ?, ?, ?, 1, true, ?)`,
      [randomUUID(), `Zoom ${i}`, `zoom${i}@school.test`, credentials.userId, app.infra.secretBox.seal(JSON.stringify(credentials)), clock.now()],
    );
  }
});

/** A lesson starting in 5 minutes for a new teacher, started through the API against the fake Zoom. */
async function startedLesson(): Promise<{ lessonId: string; meeting: FakeMeeting; token: string }> {
  const { user, token } = await buildTeacher(app);
  const groupId = randomUUID();
  const lessonId = randomUUID();
  const now = clock.now().getTime();
  await sql(`insert into groups (id, teacher_id, name, invite_code) values (?, ?, 'Group', ?)`, [groupId, user.id, randomUUID()]);
  await sql(`insert into lessons (id, group_id, teacher_id, title, start_at, end_at) values (?, ?, ?, 'Algebra', ?, ?)`, [
    lessonId, groupId, user.id, new Date(now + 5 * 60_000), new Date(now + 50 * 60_000),
  ]);
  const started = await request(app.url).post(`/api/lessons/${lessonId}/start`).set('authorization', `Bearer ${token}`).send();
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const meeting = zoom.meetings.get(started.body.meetingId);
  expect(meeting).toBeDefined();
  return { lessonId, meeting: meeting!, token };
}

const leaseOf = async (lessonId: string) =>
  (await sql<{ released_at: Date | null; release_reason: string | null }>(`select released_at, release_reason from meeting_leases where lesson_id = ?`, [lessonId]))[0];
const statusOf = async (lessonId: string) => (await sql<{ status: string }>(`select status from lessons where id = ?`, [lessonId]))[0].status;
const payloadOf = (meeting: FakeMeeting) => meetingEventPayload(meeting);

describe('zoom webhooks drive the pool', () => {
  it('meeting.ended releases the lease once; the duplicate changes nothing', async () => {
    const { lessonId, meeting } = await startedLesson();
    const started = await zoom.sendWebhook(hook, SECRET, 'meeting.started', payloadOf(meeting));
    expect(started.status).toBe(200);
    expect(await statusOf(lessonId)).toBe('live');

    const endCalls = zoom.calls.endMeeting;
    const eventTs = clock.now().getTime();
    const ended = await zoom.sendWebhook(hook, SECRET, 'meeting.ended', payloadOf(meeting), { eventTs });
    expect(ended).toMatchObject({ status: 200, body: { outcome: 'handled' } });
    expect(await leaseOf(lessonId)).toMatchObject({ release_reason: 'webhook' });
    expect(await statusOf(lessonId)).toBe('completed');
    const audits = await sql(`select id from audit_log where lesson_id = ?`, [lessonId]);

    const again = await zoom.sendWebhook(hook, SECRET, 'meeting.ended', payloadOf(meeting), { eventTs });
    expect(again).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await sql(`select id from audit_log where lesson_id = ?`, [lessonId])).toHaveLength(audits.length);
    // Ending went by webhook: Zoom already ended it, nobody called Zoom to end it again.
    expect(zoom.calls.endMeeting).toBe(endCalls);
  });

  it('the same meeting.ended delivered 6 times at once is handled exactly once', async () => {
    const { lessonId, meeting } = await startedLesson();
    const eventTs = clock.now().getTime();
    const results = await Promise.all(Array.from({ length: 6 }, () => zoom.sendWebhook(hook, SECRET, 'meeting.ended', payloadOf(meeting), { eventTs })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results.filter((r) => (r.body as { outcome: string }).outcome === 'handled')).toHaveLength(1);
    expect(await sql(`select id from audit_log where lesson_id = ? and action like 'lesson.release.%'`, [lessonId])).toHaveLength(1);
    expect(await leaseOf(lessonId)).toMatchObject({ release_reason: 'webhook' });
  });

  it('out of order: ended before started leaves the lesson completed', async () => {
    const { lessonId, meeting } = await startedLesson();
    const t = clock.now().getTime();
    expect((await zoom.sendWebhook(hook, SECRET, 'meeting.ended', payloadOf(meeting), { eventTs: t })).status).toBe(200);
    const late = await zoom.sendWebhook(hook, SECRET, 'meeting.started', payloadOf(meeting), { eventTs: t - 60_000 });
    expect(late).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    expect(await statusOf(lessonId)).toBe('completed');
    expect(await leaseOf(lessonId)).toMatchObject({ release_reason: 'webhook' });
  });

  it('a late meeting.started after the teacher ended the lesson does not revive it', async () => {
    const { lessonId, meeting, token } = await startedLesson();
    const ended = await request(app.url).post(`/api/lessons/${lessonId}/end`).set('authorization', `Bearer ${token}`).send();
    expect(ended.status).toBe(200);
    const late = await zoom.sendWebhook(hook, SECRET, 'meeting.started', payloadOf(meeting));
    expect(late.status).toBe(200);
    expect(await statusOf(lessonId)).toBe('completed');
    expect(await leaseOf(lessonId)).toMatchObject({ release_reason: 'teacher' });
  });

  it('a late meeting.ended after the sweep released the lease changes nothing', async () => {
    const { lessonId, meeting } = await startedLesson();
    clock.advance(50 * 60_000 + app.infra.env.RELEASE_GRACE_MIN * 60_000 + 60_000);
    await app.ctx.services.pool.sweep();
    const swept = await leaseOf(lessonId);
    expect(swept.release_reason).toBe('sweep');
    expect(meeting.status).toBe('ended');

    const late = await zoom.sendWebhook(hook, SECRET, 'meeting.ended', payloadOf(meeting));
    expect(late.status).toBe(200);
    expect(await leaseOf(lessonId)).toEqual(swept);
    expect(await statusOf(lessonId)).toBe('completed');
  });

  it('events of a meeting no lesson knows → 200, nothing changes', async () => {
    const before = await sql(`select id, released_at from meeting_leases order by id`);
    for (const event of ['meeting.started', 'meeting.ended']) {
      const result = await zoom.sendWebhook(hook, SECRET, event, { object: { id: '89999999999', uuid: 'nobody==' } });
      expect(result.status).toBe(200);
    }
    expect(await sql(`select id, released_at from meeting_leases order by id`)).toEqual(before);
  });

  it('a bad signature on meeting.ended changes nothing', async () => {
    const { lessonId, meeting } = await startedLesson();
    const forged = await zoom.sendWebhook(hook, 'forged-secret', 'meeting.ended', payloadOf(meeting));
    expect(forged.status).toBe(401);
    expect(await leaseOf(lessonId)).toMatchObject({ released_at: null });
    expect(await statusOf(lessonId)).toBe('live');
    await zoom.sendWebhook(hook, SECRET, 'meeting.ended', payloadOf(meeting));
    expect(await leaseOf(lessonId)).toMatchObject({ release_reason: 'webhook' });
  });

  it('Zoom answers 429 then succeeds: exactly one meeting is created for the start', async () => {
    const meetingsBefore = zoom.meetings.size;
    const createsBefore = zoom.calls.createMeeting;
    zoom.script('createMeeting', [{ status: 429, retryAfter: '1' }]);
    const { lessonId, meeting } = await startedLesson();
    expect(zoom.meetings.size).toBe(meetingsBefore + 1);
    expect(zoom.calls.createMeeting).toBe(createsBefore + 2);
    await zoom.sendWebhook(hook, SECRET, 'meeting.ended', payloadOf(meeting));
    expect(await statusOf(lessonId)).toBe('completed');
  });

  it('the host ends the meeting in Zoom: Zoom’s own webhook frees the room', async () => {
    zoom.webhook = { url: hook, secret: SECRET };
    try {
      const { lessonId, meeting } = await startedLesson();
      const hostPage = await fetch(meeting.startUrl);
      expect(hostPage.status).toBe(200);
      const end = await fetch(`${zoom.url}/s/${meeting.id}/end`, { method: 'POST' });
      expect(end.status).toBe(200);
      await expect.poll(async () => (await leaseOf(lessonId)).release_reason, { timeout: 5_000 }).toBe('webhook');
      expect(await statusOf(lessonId)).toBe('completed');
    } finally {
      zoom.webhook = null;
    }
  });
});
