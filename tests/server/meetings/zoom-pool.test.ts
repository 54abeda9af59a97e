import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildAdmin, buildTeacher } from '../../factories/users.js';
import type { AccountStateDto, PoolStatsDto } from '@tp/shared';
import { startFakeZoom } from '../../fakes/zoom.js';

/** The whole lesson flow on pooled Zoom accounts, with the product's Zoom client talking to the fake Zoom. */
const clock = new ManualClock(new Date('2026-01-15T10:00:00Z'));
const zoom = await startFakeZoom({ now: () => clock.now() });
afterAll(() => zoom.close());
const app = await createTestApp({ clock, env: { ZOOM_OAUTH_URL: zoom.url, ZOOM_API_URL: zoom.apiUrl, START_RATE_PER_MIN: '0' } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return app.infra.orm.em.fork().getConnection().execute(query, params, 'all');
}

let accountSeq = 0;
/** One fresh Zoom account per test, so each test sees only its own account's slot. */
async function zoomAccount(): Promise<{ id: string; clientId: string }> {
  accountSeq += 1;
  const credentials = { accountId: `acc-${accountSeq}`, clientId: `client-${accountSeq}`, clientSecret: `secret-${accountSeq}`, userId: `host${accountSeq}@school.test` };
  const id = randomUUID();
  await sql(`update meeting_accounts set active = false`);
  await sql(
    `insert into meeting_accounts (id, provider, label, email, provider_user_id, credentials_sealed, capacity, active, created_at)
     values (?, 'zoom', ?, ?, ?, ?, 1, true, ?)`,
    [id, `Zoom ${accountSeq}`, `zoom${accountSeq}@school.test`, credentials.userId, app.infra.secretBox.seal(JSON.stringify(credentials)), clock.now()],
  );
  return { id, clientId: credentials.clientId };
}

/** A two-hour lesson starting in 5 minutes, for a new teacher. */
async function lesson(): Promise<{ lessonId: string; token: string; userId: string }> {
  const { user, token } = await buildTeacher(app);
  const groupId = randomUUID();
  const lessonId = randomUUID();
  const now = clock.now().getTime();
  await sql(`insert into groups (id, teacher_id, name, invite_code) values (?, ?, 'Group', ?)`, [groupId, user.id, randomUUID()]);
  await sql(`insert into lessons (id, group_id, teacher_id, title, start_at, end_at) values (?, ?, ?, 'Physics', ?, ?)`, [
    lessonId, groupId, user.id, new Date(now + 5 * 60_000), new Date(now + 125 * 60_000),
  ]);
  return { lessonId, token, userId: user.id };
}

const start = (lessonId: string, token: string) => request(app.url).post(`/api/lessons/${lessonId}/start`).set(bearer(token)).send();
const leaseOf = async (lessonId: string) =>
  sql<{ release_reason: string | null; released_at: Date | null }>(`select release_reason, released_at from meeting_leases where lesson_id = ? order by acquired_at`, [lessonId]);

beforeEach(() => {
  for (const key of Object.keys(zoom.calls) as Array<keyof typeof zoom.calls>) zoom.calls[key] = 0;
});

describe('lessons on Zoom accounts', () => {
  it('an account Zoom refuses for the day is paused, the start goes on in another room, and the paused one serves again later', async () => {
    const first = await zoomAccount();
    const second = await zoomAccount();
    await sql(`update meeting_accounts set active = true where id = ?`, [first.id]);
    const admin = await buildAdmin(app);
    zoom.script('createMeeting', [{ status: 429, retryAfter: '7200', body: { code: 429, message: 'You have reached the maximum daily rate limit for this API per user.' } }]);

    const a = await lesson();
    const started = await start(a.lessonId, a.token);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(zoom.calls.createMeeting).toBe(2);
    const refused = started.body.account.id === first.id ? second.id : first.id;

    // The admin sees the refused room paused until Zoom's stated time, and not counted as available.
    const list = (await request(app.url).get('/api/pool/accounts').set(bearer(admin.token))).body as AccountStateDto[];
    expect(list.find((x) => x.id === refused)?.pausedUntil).toBe(new Date(clock.now().getTime() + 7_200_000).toISOString());
    const stats = (await request(app.url).get('/api/pool/stats').set(bearer(admin.token))).body as PoolStatsDto;
    expect(stats).toMatchObject({ active: 2, inUse: 1, available: 0 });

    // Meanwhile another teacher finds no free room, and Zoom is not asked with the refused one.
    const b = await lesson();
    expect((await start(b.lessonId, b.token)).status).toBe(429);
    expect(zoom.calls.createMeeting).toBe(2);

    // Once the wait is over the paused room serves again; the sweep clears the pause for the dashboards.
    clock.advance(7_200_000 + 1_000);
    await app.ctx.services.pool.sweep();
    const { token: adminToken } = await app.infra.tokens.sign(admin.user.id, 'admin');
    expect(((await request(app.url).get('/api/pool/stats').set(bearer(adminToken))).body as PoolStatsDto).available).toBe(1);
    const [cleared] = await sql<{ paused_until: Date | null }>(`select paused_until from meeting_accounts where id = ?`, [refused]);
    expect(cleared?.paused_until).toBeNull();
    const { token: fresh } = await app.infra.tokens.sign(b.userId, 'teacher');
    const later = await start(b.lessonId, fresh);
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(later.body.account.id).toBe(refused);
  });

  it('an admin lifts a pause at once (say, after upgrading the plan)', async () => {
    const account = await zoomAccount();
    const admin = await buildAdmin(app);
    zoom.script('createMeeting', [{ status: 429, retryAfter: '3600' }]);
    const a = await lesson();
    // The only room is refused: paused, and the teacher hears that no room is free.
    const refused = await start(a.lessonId, a.token);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('pool/exhausted');
    const paused = (await request(app.url).get('/api/pool/accounts').set(bearer(admin.token))).body as AccountStateDto[];
    expect(paused.find((x) => x.id === account.id)?.pausedUntil).not.toBeNull();

    const resumed = await request(app.url).patch(`/api/pool/accounts/${account.id}`).set(bearer(admin.token)).send({ resume: true });
    expect(resumed.status).toBe(200);
    expect(resumed.body.pausedUntil).toBeNull();
    const again = await start(a.lessonId, a.token);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.account.id).toBe(account.id);
    expect((await request(app.url).patch(`/api/pool/accounts/${account.id}`).set(bearer(admin.token)).send({ resume: false })).status).toBe(400);
  });

  it('start creates the Zoom meeting as the account’s host and returns its links', async () => {
    const account = await zoomAccount();
    const { lessonId, token } = await lesson();
    const response = await start(lessonId, token);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const meeting = zoom.meetings.get(response.body.meetingId)!;
    expect(meeting).toMatchObject({ hostId: `host${accountSeq}@school.test`, duration: 120, status: 'waiting' });
    expect(response.body).toEqual({
      lessonId,
      meetingId: meeting.id,
      joinUrl: meeting.joinUrl,
      startUrl: meeting.startUrl,
      password: meeting.password,
      account: { id: account.id, label: `Zoom ${accountSeq}` },
    });
    expect([...zoom.tokens.values()].some((t) => t.clientId === account.clientId)).toBe(true);
    expect(zoom.calls).toMatchObject({ token: 1, createMeeting: 1 });

    // A repeat press returns the same meeting without asking Zoom again.
    const again = await start(lessonId, token);
    expect(again.body.meetingId).toBe(meeting.id);
    expect(zoom.calls.createMeeting).toBe(1);
  });

  it('the teacher’s host link is re-fetched from Zoom once it is older than 90 minutes', async () => {
    await zoomAccount();
    const { lessonId, token: firstToken, userId } = await lesson();
    const started = await start(lessonId, firstToken);
    clock.advance(60 * 60_000);
    // Access tokens are short-lived: sign in again after the clock jumps.
    let token = (await app.infra.tokens.sign(userId, 'teacher')).token;
    const fresh = await request(app.url).get(`/api/lessons/${lessonId}/meeting`).set(bearer(token));
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(fresh.body.startUrl).toBe(started.body.startUrl);
    expect(zoom.calls.getMeeting).toBe(0);

    clock.advance(31 * 60_000);
    token = (await app.infra.tokens.sign(userId, 'teacher')).token;
    const stale = await request(app.url).get(`/api/lessons/${lessonId}/meeting`).set(bearer(token));
    expect(stale.status).toBe(200);
    expect(zoom.calls.getMeeting).toBe(1);
    expect(stale.body.startUrl).not.toBe(started.body.startUrl);
    expect(stale.body.startUrl).toBe(zoom.meetings.get(started.body.meetingId)!.startUrl);
    await request(app.url).post(`/api/lessons/${lessonId}/end`).set(bearer(token)).send();
  });

  it('End ends the meeting at Zoom and frees the account; a meeting already gone at Zoom ends fine too', async () => {
    await zoomAccount();
    const first = await lesson();
    const started = await start(first.lessonId, first.token);
    const ended = await request(app.url).post(`/api/lessons/${first.lessonId}/end`).set(bearer(first.token)).send();
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(zoom.meetings.get(started.body.meetingId)!.status).toBe('ended');
    expect(await leaseOf(first.lessonId)).toMatchObject([{ release_reason: 'teacher' }]);

    const second = await lesson();
    const secondStart = await start(second.lessonId, second.token);
    expect(secondStart.status).toBe(200);
    zoom.meetings.delete(secondStart.body.meetingId); // deleted in Zoom: ending answers 404 code 3001
    const secondEnd = await request(app.url).post(`/api/lessons/${second.lessonId}/end`).set(bearer(second.token)).send();
    expect(secondEnd.status).toBe(200);
    expect(await leaseOf(second.lessonId)).toMatchObject([{ release_reason: 'teacher' }]);
  });

  it('Zoom failing for good → 502, the slot is given back, nothing is created; the next start works', async () => {
    await zoomAccount();
    const { lessonId, token } = await lesson();
    const meetingsBefore = zoom.meetings.size;
    zoom.script('createMeeting', [{ status: 400, body: { code: 300, message: 'Validation Failed.' } }]);
    const failed = await start(lessonId, token);
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('provider/unavailable');
    expect(await leaseOf(lessonId)).toMatchObject([{ release_reason: 'failure' }]);
    expect(zoom.meetings.size).toBe(meetingsBefore);

    zoom.script('createMeeting', [{ status: 500 }, { status: 503 }, { status: 502 }, { status: 500 }]);
    const exhausted = await start(lessonId, token);
    expect(exhausted.status).toBe(502);
    expect(zoom.calls.createMeeting).toBe(5);

    const retried = await start(lessonId, token);
    expect(retried.status).toBe(200);
    expect(zoom.meetings.size).toBe(meetingsBefore + 1);
    await request(app.url).post(`/api/lessons/${lessonId}/end`).set(bearer(token)).send();
  });

  it('a revoked Zoom token is replaced on the fly', async () => {
    await zoomAccount();
    const first = await lesson();
    await start(first.lessonId, first.token);
    await request(app.url).post(`/api/lessons/${first.lessonId}/end`).set(bearer(first.token)).send();
    zoom.revokeTokens();
    const second = await lesson();
    const response = await start(second.lessonId, second.token);
    expect(response.status).toBe(200);
    expect(zoom.calls.token).toBe(2);
    await request(app.url).post(`/api/lessons/${second.lessonId}/end`).set(bearer(second.token)).send();
  });

  it('an account added through the admin API serves Zoom lessons; its credentials never come back', async () => {
    await sql(`update meeting_accounts set active = false`);
    const admin = await buildAdmin(app);
    const created = await request(app.url)
      .post('/api/pool/accounts')
      .set(bearer(admin.token))
      .send({ provider: 'zoom', label: 'Zoom via API', email: 'api@school.test', capacity: 1, credentials: { accountId: 'api-acc', clientId: 'api-client', clientSecret: 'api-secret-value', userId: 'api-host@school.test' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('api-secret-value');
    const listed = await request(app.url).get('/api/pool/accounts').set(bearer(admin.token));
    expect(JSON.stringify(listed.body)).not.toContain('api-secret-value');

    const { lessonId, token } = await lesson();
    const response = await start(lessonId, token);
    expect(response.status).toBe(200);
    expect(zoom.meetings.get(response.body.meetingId)!.hostId).toBe('api-host@school.test');
    expect([...zoom.tokens.values()].some((t) => t.clientId === 'api-client')).toBe(true);
  });
});
