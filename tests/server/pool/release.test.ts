import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, nextEvent, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { poolSweepJob } from '../../../server/src/modules/pool/pool.jobs.js';
import { buildAccount, buildLesson, leasesOf, lessonRow, overbookedAccounts, type BuiltLesson } from '../../factories/pool.js';
import { startFakeZoom } from '../../fakes/zoom.js';

const clock = new ManualClock(new Date('2026-01-15T10:00:00Z'));
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ clock, env: { START_RATE_PER_MIN: '0', RELEASE_GRACE_MIN: '15' } });
});

const sign = async (lesson: BuiltLesson) => (await app.infra.tokens.sign(lesson.teacher.user.id, 'teacher')).token;
async function started(lesson: BuiltLesson) {
  const res = await request(app.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${await sign(lesson)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { meetingId: string; startUrl: string; joinUrl: string };
}
const sweep = () => poolSweepJob.run(app.ctx);
const auditCount = async (action: string, lessonId: string) =>
  Number((await app.infra.orm.em.fork().getConnection().execute(`select count(*) as n from audit_log where action = ? and lesson_id = ?`, [action, lessonId]))[0].n);

describe('the release sweep', () => {
  it('(c) reclaims a lease reserved by a server that died before calling the provider', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app);
    // The reserve step committed, then the process died: a lease with no meeting.
    const reservation = await app.ctx.services.pool.core.repo.reserve(lesson.id, lesson.teacher.user.id, clock.now());
    expect(reservation).not.toBeNull();
    await sweep();
    expect(await leasesOf(app, 'lesson_id = ? and released_at is null', [lesson.id])).toHaveLength(1);
    clock.advance(3 * 60_000);
    await sweep();
    const [lease] = await leasesOf(app, 'lesson_id = ?', [lesson.id]);
    expect(lease).toMatchObject({ release_reason: 'sweep', meeting_id: null });
    expect((await lessonRow(app, lesson.id)).status).toBe('scheduled');
    // The room is usable again and the lesson can still start.
    const meeting = await started(lesson);
    expect(meeting.meetingId).toBeTruthy();
    await app.ctx.services.pool.release({ lessonId: lesson.id }, 'teacher', null);
  });

  it('ends lessons past their end plus the grace period, not before; two sweeps release once', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app, { minutes: 45, students: 1 });
    await started(lesson);
    const socket = app.socket(lesson.students[0]!.token);
    await nextEvent(socket, 'session:ready');
    clock.advance(45 * 60_000 + 14 * 60_000);
    await sweep();
    expect((await lessonRow(app, lesson.id)).status).toBe('live');
    clock.advance(2 * 60_000);
    const ended = nextEvent<{ lessonId: string }>(socket, 'lesson:ended');
    await Promise.all([sweep(), app.ctx.services.pool.sweep(), app.ctx.services.pool.sweep()]);
    expect((await ended).lessonId).toBe(lesson.id);
    expect(await lessonRow(app, lesson.id)).toMatchObject({ status: 'completed' });
    const leases = await leasesOf(app, 'lesson_id = ?', [lesson.id]);
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ release_reason: 'sweep' });
    expect(await auditCount('lesson.release.sweep', lesson.id)).toBe(1);
  });

  it('repairs drift: a live lesson without a lease is completed; a lease on a cancelled lesson is released', async () => {
    await buildAccount(app);
    const orphanLive = await buildLesson(app);
    const connection = app.infra.orm.em.fork().getConnection();
    await connection.execute(`update lessons set status = 'live' where id = ?`, [orphanLive.id]);
    const cancelled = await buildLesson(app, { startAt: new Date(clock.now().getTime() + 5 * 60_000) });
    await started(cancelled);
    await connection.execute(`update lessons set status = 'cancelled' where id = ?`, [cancelled.id]);
    await sweep();
    expect((await lessonRow(app, orphanLive.id)).status).toBe('completed');
    expect((await leasesOf(app, 'lesson_id = ?', [cancelled.id]))[0]).toMatchObject({ release_reason: 'sweep' });
    expect((await lessonRow(app, cancelled.id)).status).toBe('cancelled');
    expect(await overbookedAccounts(app)).toEqual([]);
  });
});

describe('provider-reported ends (webhook path, demo End button)', () => {
  it('releaseByMeeting releases once; late, duplicate and unknown meetings change nothing; a late start does not revive', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app);
    const meeting = await started(lesson);
    const pool = app.ctx.services.pool;
    expect(await pool.markStartedByMeeting('demo', meeting.meetingId)).toBe(true);
    expect((await pool.releaseByMeeting('demo', meeting.meetingId, 'webhook')).released).toBe(true);
    expect((await pool.releaseByMeeting('demo', meeting.meetingId, 'webhook')).released).toBe(false);
    expect((await pool.releaseByMeeting('demo', 'no-such-meeting', 'webhook')).released).toBe(false);
    expect(await pool.markStartedByMeeting('demo', meeting.meetingId)).toBe(false);
    expect(await lessonRow(app, lesson.id)).toMatchObject({ status: 'completed' });
    expect((await leasesOf(app, 'lesson_id = ?', [lesson.id]))[0]).toMatchObject({ release_reason: 'webhook' });
  });

  it('ends racing webhooks on one node (batched together): each lease closes once, one audit line each, every lesson completed', async () => {
    const lessons: BuiltLesson[] = [];
    for (let i = 0; i < 4; i += 1) {
      await buildAccount(app);
      lessons.push(await buildLesson(app));
    }
    const meetings = await Promise.all(lessons.map(started));
    const pool = app.ctx.services.pool;
    const outcomes = await Promise.all(meetings.flatMap((m) => [0, 1, 2].map(() => pool.releaseByMeeting('demo', m.meetingId, 'webhook'))));
    expect(outcomes.filter((o) => o.released)).toHaveLength(lessons.length);
    for (const lesson of lessons) {
      expect(await leasesOf(app, 'lesson_id = ? and released_at is not null', [lesson.id])).toHaveLength(1);
      expect(await lessonRow(app, lesson.id)).toMatchObject({ status: 'completed' });
      expect(await auditCount('lesson.release.webhook', lesson.id)).toBe(1);
    }
    expect(await leasesOf(app, 'released_at is null and lesson_id = any(?::uuid[])', [`{${lessons.map((l) => l.id).join(',')}}`])).toHaveLength(0);
  });

  it('the demo meeting page: only the host token ends it, through the webhook path', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app, { title: 'Geometry' });
    const meeting = await started(lesson);
    const hostToken = new URL(meeting.startUrl, app.url).searchParams.get('host')!;
    const guest = await request(app.url).get(`/api/demo-meetings/${meeting.meetingId}`);
    // A visitor who is not signed in is not counted and does not see who is there.
    expect(guest.body).toEqual({
      meetingId: meeting.meetingId, lessonId: lesson.id, lessonTitle: 'Geometry', groupName: lesson.groupName, status: 'live', host: false,
      startedAt: clock.now().toISOString(), serverNow: clock.now().toISOString(), participants: [], counted: false,
    });
    const host = await request(app.url).get(`/api/demo-meetings/${meeting.meetingId}`).query({ host: hostToken });
    expect(host.body.host).toBe(true);
    const forged = await request(app.url).post(`/api/demo-meetings/${meeting.meetingId}/end`).send({ hostToken: 'forged' });
    expect(forged.status).toBe(403);
    expect((await lessonRow(app, lesson.id)).status).toBe('live');
    const endRes = await request(app.url).post(`/api/demo-meetings/${meeting.meetingId}/end`).send({ hostToken });
    expect(endRes.body).toMatchObject({ status: 'completed', host: true });
    expect((await leasesOf(app, 'lesson_id = ?', [lesson.id]))[0]).toMatchObject({ release_reason: 'webhook' });
    expect((await request(app.url).post(`/api/demo-meetings/${meeting.meetingId}/end`).send({ hostToken })).status).toBe(200);
    expect((await request(app.url).get('/api/demo-meetings/unknown-meeting')).status).toBe(404);
    expect((await request(app.url).get('/api/demo-meetings/bad%20id')).status).toBe(400);
    expect((await request(app.url).post(`/api/demo-meetings/${meeting.meetingId}/end`).send({ hostToken, extra: 1 })).status).toBe(400);
  });
});

describe('a provider that pushes back', () => {
  let zoom: Awaited<ReturnType<typeof startFakeZoom>>;
  beforeAll(async () => {
    zoom = await startFakeZoom({ now: () => clock.now() });
  });
  afterAll(() => zoom.close());

  it('(e) Zoom answers 429 then succeeds: exactly one meeting is created and the lesson is live on it', async () => {
    const zoomApp = await createTestApp({ clock, env: { START_RATE_PER_MIN: '0', ZOOM_OAUTH_URL: zoom.url, ZOOM_API_URL: zoom.apiUrl } });
    const credentials = { accountId: 'acc-1', clientId: 'client-1', clientSecret: 'secret-1', userId: 'host1@school.test' };
    await zoomApp.infra.orm.em.fork().getConnection().execute(
      `insert into meeting_accounts (id, provider, label, email, provider_user_id, credentials_sealed) values (gen_random_uuid(), 'zoom', 'Zoom 1', 'host1@school.test', ?, ?)`,
      [credentials.userId, zoomApp.infra.secretBox.seal(JSON.stringify(credentials))],
    );
    const lesson = await buildLesson(zoomApp);
    zoom.script('createMeeting', [{ status: 429, retryAfter: '1' }]);
    const res = await request(zoomApp.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${lesson.teacher.token}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(zoom.calls.createMeeting).toBe(2);
    expect(zoom.meetings.size).toBe(1);
    expect(zoom.meetings.has(res.body.meetingId)).toBe(true);
    expect(await lessonRow(zoomApp, lesson.id)).toMatchObject({ status: 'live', meeting_id: res.body.meetingId });
    expect(await leasesOf(zoomApp, 'lesson_id = ?', [lesson.id])).toHaveLength(1);
  });

  it('Zoom failing for good: the lease is released (reason failure), 502 provider/unavailable, the lesson stays startable', async () => {
    const zoomApp = await createTestApp({ clock, env: { START_RATE_PER_MIN: '0', ZOOM_OAUTH_URL: zoom.url, ZOOM_API_URL: zoom.apiUrl } });
    const credentials = { accountId: 'acc-2', clientId: 'client-2', clientSecret: 'secret-2', userId: 'host2@school.test' };
    await zoomApp.infra.orm.em.fork().getConnection().execute(
      `insert into meeting_accounts (id, provider, label, email, credentials_sealed) values (gen_random_uuid(), 'zoom', 'Zoom 2', 'host2@school.test', ?)`,
      [zoomApp.infra.secretBox.seal(JSON.stringify(credentials))],
    );
    const lesson = await buildLesson(zoomApp);
    zoom.script('createMeeting', [{ status: 400, body: { code: 300, message: 'Invalid request' } }]);
    const res = await request(zoomApp.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${lesson.teacher.token}`);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('provider/unavailable');
    expect((await leasesOf(zoomApp, 'lesson_id = ?', [lesson.id]))[0]).toMatchObject({ release_reason: 'failure' });
    expect((await lessonRow(zoomApp, lesson.id)).status).toBe('scheduled');
    const retry = await request(zoomApp.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${lesson.teacher.token}`);
    expect(retry.status).toBe(200);
  });
});
