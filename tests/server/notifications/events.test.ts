import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { TestApp } from '../../setup/app.js';
import { buildStudent } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildHomework } from '../../factories/homework.js';
import type { SmtpSink } from '../../fakes/smtp-sink.js';
import { connected, groupChat, send } from '../chat/helpers.js';
import { bell, DAY, kinds, MINUTE, rowsOf, setPreferences, sleep, appWithMailSink } from './support.js';

let app: TestApp;
let sink: SmtpSink;
let mailsTo: (email: string) => SmtpSink['messages'];

beforeAll(async () => {
  ({ app, sink, mailsTo } = await appWithMailSink());
});

const teacherActor = (built: { teacher: { user: { id: string } } }) => ({ userId: built.teacher.user.id, role: 'teacher' as const });

describe('lesson moved or cancelled', () => {
  it('tells the group’s students only, in the bell and by email in their language', async () => {
    const ira = await buildStudent(app, { locale: 'ru', firstName: 'Ира' });
    const tom = await buildStudent(app, { locale: 'en', firstName: 'Tom' });
    const outsider = await buildStudent(app);
    const built = await buildGroup(app, { name: 'B1', students: [ira, tom] });
    const start = new Date(app.clock.now().getTime() + 2 * DAY);
    const { event } = await buildLesson(app, built.teacher, built.group.id, start.toISOString(), 60, 'Грамматика');

    const later = new Date(start.getTime() + 2 * 60 * MINUTE);
    await app.ctx.services.schedule.updateLesson(teacherActor(built), event.id, { startAt: later.toISOString(), endAt: new Date(later.getTime() + 60 * MINUTE).toISOString() });
    await app.ctx.services.schedule.cancelLesson(teacherActor(built), event.id);

    for (const student of [ira, tom]) expect(await kinds(app, student.token)).toEqual(['lesson_cancelled', 'lesson_moved']);
    expect(await kinds(app, outsider.token)).toEqual([]);
    expect(await kinds(app, built.teacher.token)).toEqual([]);
    const moved = (await bell(app, ira.token)).items.find((n) => n.kind === 'lesson_moved')!;
    expect(moved).toMatchObject({ read: false, link: '/app/calendar', data: { title: 'Грамматика', groupName: 'B1', startAt: later.toISOString(), previousStartAt: start.toISOString() } });

    await sink.waitFor((m) => m.to.includes(ira.user.email) && m.subject === 'Урок «Грамматика» отменён', 30_000);
    await sink.waitFor((m) => m.to.includes(tom.user.email) && m.subject === 'Lesson "Грамматика" moved', 30_000);
    expect(mailsTo(outsider.user.email)).toHaveLength(0);
  }, 60_000);
});

describe('homework', () => {
  it('assigned: each student of the group; graded: only the student whose results became visible', async () => {
    const built = await buildGroup(app, { studentCount: 2 });
    const [done, idle] = built.students as [typeof built.students[0], typeof built.students[0]];
    const outsider = await buildStudent(app);
    const { homework, questions } = await buildHomework(app, built, { title: 'Неделя 5', releaseResults: 'manual', questions: undefined });
    expect(await kinds(app, done.token)).toEqual(['homework_assigned']);
    expect(await kinds(app, idle.token)).toEqual(['homework_assigned']);
    expect(await kinds(app, outsider.token)).toEqual([]);
    expect(await kinds(app, built.teacher.token)).toEqual([]);

    const attempts = app.ctx.services.homework.attempts;
    const student = { userId: done.user.id, role: 'student' as const };
    const attempt = await attempts.start(student, homework.id);
    await attempts.saveAnswer(student, attempt.id, questions[0]!.id, null).catch(() => undefined);
    await attempts.submit(student, attempt.id);
    expect(await kinds(app, done.token)).toEqual(['homework_assigned']); // results not released yet
    await app.ctx.services.homework.releaseResults(teacherActor(built), homework.id);
    expect(await kinds(app, done.token)).toEqual(['homework_assigned', 'homework_graded']);
    expect(await kinds(app, idle.token)).toEqual(['homework_assigned']);
    await app.ctx.services.homework.releaseResults(teacherActor(built), homework.id);
    expect(await kinds(app, done.token)).toEqual(['homework_assigned', 'homework_graded']);
    await sink.waitFor((m) => m.to.includes(done.user.email) && /^(Домашнее задание «Неделя 5» проверено|Homework "Неделя 5" graded)$/.test(m.subject), 30_000);
  }, 60_000);

  it('due tomorrow: a day before the due time, students who handed in nothing', async () => {
    const built = await buildGroup(app, { studentCount: 2 });
    const [done, idle] = built.students as [typeof built.students[0], typeof built.students[0]];
    const dueAt = new Date(app.clock.now().getTime() + DAY + 4_000);
    const { homework } = await buildHomework(app, built, { title: 'Эссе', dueAt: dueAt.toISOString() });
    const student = { userId: done.user.id, role: 'student' as const };
    const attempt = await app.ctx.services.homework.attempts.start(student, homework.id);
    await app.ctx.services.homework.attempts.submit(student, attempt.id);
    await expect.poll(() => kinds(app, idle.token), { timeout: 20_000, interval: 300 }).toContain('homework_due');
    expect((await bell(app, idle.token)).items.find((n) => n.kind === 'homework_due')).toMatchObject({ kind: 'homework_due', link: `/app/homework/${homework.id}`, data: { title: 'Эссе', dueAt: dueAt.toISOString() } });
    expect(await kinds(app, done.token)).not.toContain('homework_due');
  }, 60_000);
});

describe('chat while away', () => {
  it('a 1:1 message reaches the peer only when they are offline; an @mention only the person named', async () => {
    const ira = await buildStudent(app, { firstName: 'Ира', lastName: 'Котова' });
    const ivan = await buildStudent(app, { firstName: 'Иван', lastName: 'Петров' });
    const built = await buildGroup(app, { students: [ira, ivan] });
    const teacher = await connected(app, built.teacher.token);
    const direct = await app.ctx.services.chat.openDirect({ userId: built.teacher.user.id, role: 'teacher' }, ira.user.id);
    expect((await send(teacher, direct.id, 'Ира, как дела?')).ok).toBe(true);
    await expect.poll(() => kinds(app, ira.token), { timeout: 5_000 }).toEqual(['chat_direct']);
    expect((await bell(app, ira.token)).items[0]!.data).toMatchObject({ excerpt: 'Ира, как дела?' });

    const ivanOnline = await connected(app, ivan.token);
    const withIvan = await app.ctx.services.chat.openDirect({ userId: built.teacher.user.id, role: 'teacher' }, ivan.user.id);
    await send(teacher, withIvan.id, 'Привет, Иван');
    const group = await groupChat(app, built.teacher.token, built.group.id);
    await send(teacher, group.id, 'Всем привет');
    await send(teacher, group.id, '@ира, загляни в задание');
    await expect.poll(() => kinds(app, ira.token), { timeout: 5_000 }).toEqual(['chat_direct', 'chat_mention']);
    await sleep(500);
    expect(await kinds(app, ivan.token)).toEqual([]);
    expect(await kinds(app, built.teacher.token)).toEqual([]);

    // Ira reads the 1:1 chat to its end: its notice turns read, the mention stays unread.
    expect((await bell(app, ira.token)).unread).toBe(2);
    const read = await request(app.url).post(`/api/chats/${direct.id}/read`).send({ seq: 1 }).set('Authorization', `Bearer ${ira.token}`);
    expect(read.body).toMatchObject({ unread: 0 });
    await expect.poll(async () => (await bell(app, ira.token)).unread).toBe(1);
    expect((await bell(app, ira.token)).items.find((n) => n.kind === 'chat_direct')!.read).toBe(true);
    ivanOnline.disconnect();
  }, 30_000);
});

describe('preferences', () => {
  it('defaults to everything in-app and email for all but the reminder; in-app off shows nothing, email off mails nothing', async () => {
    const built = await buildGroup(app, { studentCount: 2 });
    const [quiet, noMail] = built.students as [typeof built.students[0], typeof built.students[0]];
    const res = await bell(app, quiet.token);
    expect(res.items).toEqual([]);
    await setPreferences(app, quiet.token, { homework_assigned: { inApp: false, email: true } });
    await setPreferences(app, noMail.token, { homework_assigned: { inApp: true, email: false } });
    const { homework } = await buildHomework(app, built, { title: 'Prefs' });

    expect(await kinds(app, quiet.token)).toEqual([]);
    expect(await kinds(app, noMail.token)).toEqual(['homework_assigned']);
    await sink.waitFor((m) => m.to.includes(quiet.user.email) && m.text.includes(`/app/homework/${homework.id}`), 30_000);
    await sleep(2_000);
    expect(mailsTo(noMail.user.email)).toHaveLength(0);
    const stored = (await rowsOf(app.databaseUrl, 'homework_assigned')).filter((r) => r.subject === homework.id);
    expect(stored.map((r) => ({ user: r.user_id, visible: r.visible })).sort((a, b) => a.user.localeCompare(b.user))).toEqual(
      [{ user: quiet.user.id, visible: false }, { user: noMail.user.id, visible: true }].sort((a, b) => a.user.localeCompare(b.user)),
    );
  }, 60_000);

  it('GET answers the whole table with defaults; PUT changes only what it names; bad input is a 400', async () => {
    const student = await buildStudent(app);
    const get = () => request(app.url).get('/api/me/notification-preferences').set('Authorization', `Bearer ${student.token}`);
    expect((await get()).body).toMatchObject({ lesson_starting: { inApp: true, email: false }, lesson_moved: { inApp: true, email: true }, chat_direct: { inApp: true, email: true } });
    await setPreferences(app, student.token, { lesson_starting: { inApp: true, email: true } });
    expect((await get()).body).toMatchObject({ lesson_starting: { inApp: true, email: true }, lesson_moved: { inApp: true, email: true } });
    const bad = await request(app.url).put('/api/me/notification-preferences').send({ lesson_starting: { inApp: 'yes' } }).set('Authorization', `Bearer ${student.token}`);
    expect(bad.status).toBe(400);
    const unknown = await request(app.url).put('/api/me/notification-preferences').send({ nope: { inApp: true, email: true } }).set('Authorization', `Bearer ${student.token}`);
    expect(unknown.status).toBe(400);
  });
});
