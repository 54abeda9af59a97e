import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { LessonReleasedPayload } from '@tp/shared';
import { createTestApp, nextEvent, nextEventMatching, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildAccount, buildLesson, leasesOf, lessonRow, overbookedAccounts, type BuiltLesson } from '../../factories/pool.js';
import { buildAdmin, type BuiltUser } from '../../factories/users.js';

const clock = new ManualClock(new Date('2026-03-10T09:00:00Z'));
let app: TestApp;
let admin: BuiltUser;
beforeAll(async () => {
  app = await createTestApp({ clock, env: { START_RATE_PER_MIN: '0' } });
  admin = await buildAdmin(app, { firstName: 'Olga', lastName: 'Admin' });
});

const bearer = async (userId: string, role: 'teacher' | 'admin' | 'student') => `Bearer ${(await app.infra.tokens.sign(userId, role)).token}`;
const post = async (lesson: BuiltLesson, verb: 'start' | 'end' | 'restart') =>
  request(app.url).post(`/api/lessons/${lesson.id}/${verb}`).set('Authorization', await bearer(lesson.teacher.user.id, 'teacher'));
const auditOf = async (action: string, lessonId: string) =>
  app.infra.orm.em.fork().getConnection().execute(`select detail, actor_id from audit_log where action = ? and lesson_id = ?`, [action, lessonId]);

describe('a lesson ended by mistake starts again', () => {
  it('on a new meeting while its time lasts; the old meeting stays over; refused once the lesson is over', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app, { minutes: 60 });
    const first = await post(lesson, 'start');
    expect(first.status).toBe(200);
    clock.advance(10 * 60_000);
    expect((await post(lesson, 'end')).body).toEqual({ lessonId: lesson.id, status: 'completed' });
    // The ordinary start refuses a finished lesson; the restart does not.
    expect((await post(lesson, 'start')).body.error.code).toBe('lesson/not-startable');
    clock.advance(60_000);
    const again = await post(lesson, 'restart');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.meetingId).not.toBe(first.body.meetingId);
    const row = await lessonRow(app, lesson.id);
    expect(row).toMatchObject({ status: 'live', meeting_id: again.body.meetingId });
    // The elapsed time stays the lesson's: counted from its first start.
    expect(new Date(row.started_at as string).toISOString()).toBe(lesson.startAt.toISOString());
    const leases = await leasesOf(app, 'lesson_id = ?', [lesson.id]);
    expect(leases.filter((l) => l.released_at === null)).toHaveLength(1);
    expect(leases).toHaveLength(2);
    expect(await auditOf('lesson.restart', lesson.id)).toHaveLength(1);
    // The old meeting's page says it is over, and a late end report of it changes nothing.
    expect((await request(app.url).get(`/api/demo-meetings/${first.body.meetingId}`)).body.status).toBe('completed');
    await app.ctx.services.pool.releaseByMeeting('demo', first.body.meetingId, 'webhook');
    expect((await lessonRow(app, lesson.id)).status).toBe('live');
    // A repeat press answers with the running meeting.
    expect((await post(lesson, 'restart')).body.meetingId).toBe(again.body.meetingId);

    expect((await post(lesson, 'end')).status).toBe(200);
    clock.advance(50 * 60_000);
    const late = await post(lesson, 'restart');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('lesson/not-startable');
    expect((await lessonRow(app, lesson.id)).status).toBe('completed');
  });

  it('only by its own teacher', async () => {
    await buildAccount(app);
    const lesson = await buildLesson(app, { students: 1 });
    await post(lesson, 'start');
    await post(lesson, 'end');
    const other = await buildLesson(app);
    const byOther = await request(app.url).post(`/api/lessons/${lesson.id}/restart`).set('Authorization', await bearer(other.teacher.user.id, 'teacher'));
    expect(byOther.status).toBe(403);
    const byStudent = await request(app.url).post(`/api/lessons/${lesson.id}/restart`).set('Authorization', await bearer(lesson.students[0]!.user.id, 'student'));
    expect(byStudent.status).toBe(403);
    expect((await request(app.url).post(`/api/lessons/not-an-id/restart`).set('Authorization', await bearer(lesson.teacher.user.id, 'teacher'))).status).toBe(400);
    expect((await lessonRow(app, lesson.id)).status).toBe('completed');
  });

  it('concurrent restarts of one lesson make one meeting on one lease; a full pool refuses without overbooking', async () => {
    // This test's account is the whole pool.
    await app.infra.orm.em.fork().getConnection().execute(`update meeting_accounts set active = false`);
    const account = await buildAccount(app, { capacity: 2 });
    const lesson = await buildLesson(app);
    await post(lesson, 'start');
    await post(lesson, 'end');
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(lesson, 'restart')));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.body.meetingId)).size).toBe(1);
    expect(await leasesOf(app, 'lesson_id = ? and released_at is null', [lesson.id])).toHaveLength(1);
    await post(lesson, 'end');

    // Both slots busy with other lessons: the restart waits like any start, the lesson stays startable.
    const busy = [await buildLesson(app), await buildLesson(app)];
    for (const other of busy) expect((await post(other, 'start')).status).toBe(200);
    const full = await post(lesson, 'restart');
    expect(full.status).toBe(429);
    expect((await lessonRow(app, lesson.id)).status).toBe('scheduled');
    expect(await overbookedAccounts(app)).toEqual([]);
    for (const other of busy) await post(other, 'end');
    expect((await post(lesson, 'start')).status).toBe(200);
    expect((await leasesOf(app, 'account_id = ? and released_at is null', [account.id])).length).toBeLessThanOrEqual(2);
    await post(lesson, 'end');
  });
});

describe("an admin's forced release", () => {
  it('needs a reason; the teacher is told live who released the lesson and why; the audit log keeps it', async () => {
    const account = await buildAccount(app);
    const lesson = await buildLesson(app, { title: 'Algebra', students: 1 });
    await post(lesson, 'start');
    const adminAuth = await bearer(admin.user.id, 'admin');
    const release = (body?: object) => request(app.url).post(`/api/pool/accounts/${account.id}/release`).set('Authorization', adminAuth).send(body);
    for (const body of [undefined, {}, { reason: '  ' }, { reason: 'x'.repeat(501) }, { reason: 'Because', extra: 1 }]) {
      const refused = await release(body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('request/invalid');
    }
    expect((await lessonRow(app, lesson.id)).status).toBe('live');

    const teacherSocket = app.socket((await app.infra.tokens.sign(lesson.teacher.user.id, 'teacher')).token);
    const studentSocket = app.socket((await app.infra.tokens.sign(lesson.students[0]!.user.id, 'student')).token);
    await Promise.all([nextEvent(teacherSocket, 'session:ready'), nextEvent(studentSocket, 'session:ready')]);
    let studentTold = false;
    studentSocket.on('lesson:released', () => (studentTold = true));
    const told = nextEventMatching<LessonReleasedPayload>(teacherSocket, 'lesson:released', (p) => p.lessonId === lesson.id);
    const ended = nextEventMatching<{ lessonId: string }>(studentSocket, 'lesson:ended', (p) => p.lessonId === lesson.id);
    const released = await release({ reason: '  The account is being moved to a new plan  ' });
    expect(released.status).toBe(200);
    expect(released.body.released).toBe(1);
    expect(await told).toMatchObject({
      lessonTitle: 'Algebra',
      groupName: lesson.groupName,
      releasedBy: { id: admin.user.id, name: 'Olga Admin' },
      reason: 'The account is being moved to a new plan',
      at: clock.now().toISOString(),
    });
    await ended;
    // Only the teacher hears who and why.
    expect(studentTold).toBe(false);
    const [line] = await auditOf('lesson.release.admin', lesson.id);
    expect(line).toMatchObject({ actor_id: admin.user.id, detail: { reason: 'The account is being moved to a new plan' } });
    // The teacher may start the lesson again on another room while its time lasts.
    await buildAccount(app);
    expect((await post(lesson, 'restart')).status).toBe(200);
    await post(lesson, 'end');
  });
});
