import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, nextEvent, type TestApp } from '../../setup/app.js';
import { buildTeacher, buildStudent } from '../../factories/users.js';
import { buildAccount, buildLesson, leasesOf, lessonRow } from '../../factories/pool.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';

let app: TestApp;
let clock: ManualClock;
beforeAll(async () => {
  app = await createTestApp({ env: { START_RATE_PER_MIN: '0' } });
  clock = app.clock as ManualClock;
});

const start = (lessonId: string, token: string) => request(app.url).post(`/api/lessons/${lessonId}/start`).set('Authorization', `Bearer ${token}`);
const meeting = (lessonId: string, token: string) => request(app.url).get(`/api/lessons/${lessonId}/meeting`).set('Authorization', `Bearer ${token}`);
const end = (lessonId: string, token: string) => request(app.url).post(`/api/lessons/${lessonId}/end`).set('Authorization', `Bearer ${token}`);

describe('starting a lesson', () => {
  it('gives the teacher the meeting with the host link; the lesson goes live on one lease', async () => {
    const account = await buildAccount(app);
    const lesson = await buildLesson(app);
    const res = await start(lesson.id, lesson.teacher.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lessonId: lesson.id, account: { id: account.id, label: account.label } });
    expect(res.body.joinUrl).toMatch(new RegExp(`/demo-meeting/${res.body.meetingId}$`));
    expect(res.body.startUrl).toContain('?host=');
    const row = await lessonRow(app, lesson.id);
    expect(row).toMatchObject({ status: 'live', meeting_id: res.body.meetingId, meeting_account_id: account.id });
    const leases = await leasesOf(app, 'lesson_id = ?', [lesson.id]);
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ account_id: account.id, slot: 0, released_at: null, meeting_id: res.body.meetingId });
    // Free the room for the next tests.
    expect((await end(lesson.id, lesson.teacher.token)).status).toBe(200);
  });

  it('is idempotent: a double click and a repeat with the same Idempotency-Key return the same meeting', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app);
    const [a, b] = await Promise.all([
      start(lesson.id, lesson.teacher.token).set('Idempotency-Key', 'click-0001'),
      start(lesson.id, lesson.teacher.token).set('Idempotency-Key', 'click-0001'),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.meetingId).toBe(a.body.meetingId);
    const again = await start(lesson.id, lesson.teacher.token);
    expect(again.body.meetingId).toBe(a.body.meetingId);
    expect(await leasesOf(app, 'lesson_id = ?', [lesson.id])).toHaveLength(1);
    await end(lesson.id, lesson.teacher.token);
  });

  it('is allowed from 15 minutes before the start until the end, else 409 lesson/not-startable', async () => {
    await buildAccount(app);
    const base = clock.now();
    const lesson = await buildLesson(app, { startAt: new Date(base.getTime() + 16 * 60_000), minutes: 30 });
    const early = await start(lesson.id, lesson.teacher.token);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('lesson/not-startable');
    const late = await buildLesson(app, { startAt: new Date(base.getTime() - 60 * 60_000), minutes: 60 });
    expect((await start(late.id, late.teacher.token)).body.error.code).toBe('lesson/not-startable');
    clock.advance(2 * 60_000);
    const inWindow = await start(lesson.id, lesson.teacher.token);
    expect(inWindow.status).toBe(200);
    await end(lesson.id, lesson.teacher.token);
    clock.set(base);
  });

  it('belongs to the lesson teacher only; unknown and malformed ids are 4xx and change nothing', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app, { students: 1 });
    const stranger = await buildTeacher(app);
    expect((await start(lesson.id, stranger.token)).status).toBe(403);
    expect((await start(lesson.id, lesson.students[0]!.token)).status).toBe(403);
    expect((await request(app.url).post(`/api/lessons/${lesson.id}/start`)).status).toBe(401);
    expect((await start('00000000-0000-4000-8000-000000000000', lesson.teacher.token)).status).toBe(404);
    expect((await start('not-a-lesson', lesson.teacher.token)).status).toBe(400);
    expect((await start('rule:00000000-0000-4000-8000-000000000000:2026-01-15', lesson.teacher.token)).status).toBe(404);
    expect((await start(lesson.id, lesson.teacher.token).set('Idempotency-Key', 'bad key!')).status).toBe(400);
    expect((await start(lesson.id, lesson.teacher.token).set('Content-Type', 'application/json').send('x'.repeat(200_000))).status).toBe(413);
    expect(await leasesOf(app, 'lesson_id = ?', [lesson.id])).toHaveLength(0);
    expect((await lessonRow(app, lesson.id)).status).toBe('scheduled');
  });
});

describe('starting a lesson left live without a room (drift)', () => {
  it('gets a room again instead of waiting for the sweep', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app);
    await app.infra.orm.em.fork().getConnection().execute(`update lessons set status = 'live' where id = ?`, [lesson.id]);
    const res = await start(lesson.id, lesson.teacher.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await leasesOf(app, 'lesson_id = ? and released_at is null', [lesson.id])).toHaveLength(1);
    await end(lesson.id, lesson.teacher.token);
  });
});

describe('reading the meeting', () => {
  it('students of the group get the join link and password while live, never the host link; others get nothing', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app, { students: 1 });
    const student = lesson.students[0]!;
    const outsider = await buildStudent(app);
    expect((await meeting(lesson.id, student.token)).body.error.code).toBe('lesson/not-live');

    const studentSocket = app.socket(student.token);
    const teacherSocket = app.socket(lesson.teacher.token);
    await Promise.all([nextEvent(studentSocket, 'session:ready'), nextEvent(teacherSocket, 'session:ready')]);
    const live = nextEvent<Record<string, unknown>>(studentSocket, 'lesson:live');
    const teacherLive = nextEvent<Record<string, unknown>>(teacherSocket, 'lesson:live');
    const started = await start(lesson.id, lesson.teacher.token);
    const payload = await live;
    expect(payload).toMatchObject({ lessonId: lesson.id, joinUrl: started.body.joinUrl, password: started.body.password });
    expect(JSON.stringify(payload)).not.toContain('host=');
    expect(JSON.stringify(await teacherLive)).not.toContain('host=');

    const seen = await meeting(lesson.id, student.token);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({ lessonId: lesson.id, meetingId: started.body.meetingId, joinUrl: started.body.joinUrl, password: started.body.password });
    const host = await meeting(lesson.id, lesson.teacher.token);
    expect(host.body.startUrl).toBe(started.body.startUrl);
    expect((await meeting(lesson.id, outsider.token)).status).toBe(403);
    expect((await meeting(lesson.id, (await buildTeacher(app)).token)).status).toBe(403);

    const ended = nextEvent<Record<string, unknown>>(studentSocket, 'lesson:ended');
    expect((await end(lesson.id, student.token)).status).toBe(403);
    const res = await end(lesson.id, lesson.teacher.token);
    expect(res.body).toEqual({ lessonId: lesson.id, status: 'completed' });
    expect(await ended).toMatchObject({ lessonId: lesson.id });
    expect((await meeting(lesson.id, student.token)).body.error.code).toBe('lesson/not-live');
    const [lease] = await leasesOf(app, 'lesson_id = ?', [lesson.id]);
    expect(lease).toMatchObject({ release_reason: 'teacher' });
    expect((await end(lesson.id, lesson.teacher.token)).status).toBe(200);
  });

  it('re-fetches the host link when it is older than 90 minutes', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app, { minutes: 180 });
    await start(lesson.id, lesson.teacher.token);
    const before = new Date((await lessonRow(app, lesson.id)).start_url_issued_at as string);
    clock.advance(91 * 60_000);
    const { token } = await app.infra.tokens.sign(lesson.teacher.user.id, 'teacher');
    const res = await meeting(lesson.id, token);
    expect(res.body.startUrl).toContain('?host=');
    const after = new Date((await lessonRow(app, lesson.id)).start_url_issued_at as string);
    expect(after.getTime() - before.getTime()).toBe(91 * 60_000);
    await end(lesson.id, token);
    clock.advance(-91 * 60_000);
  });
});

describe('the per-teacher start rate limit', () => {
  it('allows 3 attempts a minute per teacher, then 429 rate/limited with Retry-After', async () => {
    const limited = await createTestApp({ env: { START_RATE_PER_MIN: '3' } });
    const lesson = await buildLesson(limited);
    const attempt = () => request(limited.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${lesson.teacher.token}`);
    // No accounts at all: each attempt is a real allocation attempt that finds nothing free.
    for (let i = 0; i < 3; i += 1) expect((await attempt()).body.error.code).toBe('pool/exhausted');
    const fourth = await attempt();
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('rate/limited');
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
    // Another teacher is not affected.
    const other = await buildLesson(limited);
    expect((await request(limited.url).post(`/api/lessons/${other.id}/start`).set('Authorization', `Bearer ${other.teacher.token}`)).body.error.code).toBe('pool/exhausted');
  });
});
