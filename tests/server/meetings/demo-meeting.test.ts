import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { MeetingJoinedPayload } from '@tp/shared';
import { createTestApp, nextEvent, nextEventMatching, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildAccount, buildLesson } from '../../factories/pool.js';
import { buildStudent, buildTeacher } from '../../factories/users.js';

const clock = new ManualClock(new Date('2026-04-20T06:00:00Z'));
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ clock, env: { START_RATE_PER_MIN: '0' } });
});

const token = async (userId: string, role: 'teacher' | 'student') => (await app.infra.tokens.sign(userId, role)).token;
const page = (meetingId: string, bearer?: string, host?: string) => {
  const req = request(app.url).get(`/api/demo-meetings/${meetingId}`);
  if (host) req.query({ host });
  return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
};

describe('the demo meeting page tells the truth', () => {
  it('lists who really opened it (teacher and students of the group), live to the others; strangers are neither counted nor shown the list', async () => {
    await buildAccount(app);
    const teacher = await buildTeacher(app, { firstName: 'Irina', lastName: 'Petrova' });
    const lesson = await buildLesson(app, { teacher, students: 2, title: 'Physics' });
    const startedAt = clock.now().toISOString();
    const start = await request(app.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${await token(teacher.user.id, 'teacher')}`);
    const { meetingId, startUrl } = start.body as { meetingId: string; startUrl: string };
    const hostToken = new URL(startUrl, app.url).searchParams.get('host')!;
    const [first, second] = lesson.students;

    // The first student's socket hears each join.
    const studentSocket = app.socket(await token(first!.user.id, 'student'));
    await nextEvent(studentSocket, 'session:ready');

    // The teacher opens the host link, not signed in in that browser: the host token says who it is.
    clock.advance(5 * 60_000);
    const teacherJoined = nextEventMatching<MeetingJoinedPayload>(studentSocket, 'meeting:joined', (p) => p.participants.length === 1);
    const host = await page(meetingId, undefined, hostToken);
    expect(host.body).toMatchObject({ host: true, counted: true, status: 'live', lessonId: lesson.id, startedAt, serverNow: clock.now().toISOString() });
    expect(host.body.participants).toEqual([{ userId: teacher.user.id, name: 'Irina Petrova', role: 'teacher', joinedAt: clock.now().toISOString() }]);
    expect((await teacherJoined).meetingId).toBe(meetingId);

    // The first student joins; reloading the page does not add them twice.
    clock.advance(60_000);
    const studentJoined = nextEventMatching<MeetingJoinedPayload>(studentSocket, 'meeting:joined', (p) => p.participants.length === 2);
    const firstView = await page(meetingId, await token(first!.user.id, 'student'));
    expect(firstView.body).toMatchObject({ host: false, counted: true, startedAt });
    expect((await studentJoined).participants.map((p) => p.role)).toEqual(['teacher', 'student']);
    let joinsAfterReload = 0;
    studentSocket.on('meeting:joined', () => (joinsAfterReload += 1));
    await page(meetingId, await token(first!.user.id, 'student'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(joinsAfterReload).toBe(0);
    // Same elapsed time for everyone: from the lesson's start, whatever the moment the page was opened.
    clock.advance(60_000);
    const secondView = await page(meetingId, await token(second!.user.id, 'student'));
    expect(secondView.body.startedAt).toBe(startedAt);
    expect(secondView.body.participants).toHaveLength(3);

    // A stranger (another teacher's student, another teacher, a bad token, nobody) is not counted and sees no list.
    const outsider = await buildStudent(app);
    const otherTeacher = await buildTeacher(app);
    for (const bearer of [await token(outsider.user.id, 'student'), await token(otherTeacher.user.id, 'teacher'), 'not-a-token', undefined]) {
      const view = await page(meetingId, bearer);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ counted: false, participants: [] });
    }
    const final = await page(meetingId, undefined, hostToken);
    expect(final.body.participants.map((p: { name: string }) => p.name)).toEqual(['Irina Petrova', `${first!.user.firstName} ${first!.user.lastName}`, `${second!.user.firstName} ${second!.user.lastName}`]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The second student's first visit was announced.
    expect(joinsAfterReload).toBe(1);

    // The end reaches the open pages as a socket event at once (no polling).
    const ended = nextEventMatching<{ lessonId: string }>(studentSocket, 'lesson:ended', (p) => p.lessonId === lesson.id, 2_000);
    await request(app.url).post(`/api/demo-meetings/${meetingId}/end`).send({ hostToken });
    expect((await ended).lessonId).toBe(lesson.id);
    // Nobody joins an ended meeting: the list stays as it was.
    const after = await page(meetingId, await token(outsider.user.id, 'student'));
    expect(after.body).toMatchObject({ status: 'completed', counted: false });
    const afterTeacher = await page(meetingId, undefined, hostToken);
    expect(afterTeacher.body.participants).toHaveLength(3);
  });
});
