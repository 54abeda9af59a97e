import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationReadPayload } from '@tp/shared';
import { createTestApp, nextEventMatching, type TestApp } from '../../setup/app.js';
import { connected } from '../chat/helpers.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';
import type { AppContext } from '../../../server/src/modules/index.js';
import { LESSON_REMINDER, REMIND_BEFORE_MS } from '../../../server/src/modules/notifications/notifications.triggers.js';
import { QUICK_QUEUE, startQueueWorker } from '../jobs/support/worker.js';
import { bell, kinds, MINUTE, rowsOf, sleep } from './support.js';

let app: TestApp;
let workerA: AppContext;
let workerB: AppContext;

beforeAll(async () => {
  // The server does not work the queue here: two workers do, as two `npm run worker` would.
  app = await createTestApp({ env: { ...QUICK_QUEUE, QUEUE_IN_SERVER: 'false' } });
  workerA = await startQueueWorker(app.databaseUrl, {}, app.clock);
  workerB = await startQueueWorker(app.databaseUrl, {}, app.clock);
});
afterAll(async () => {
  await workerA.infra.close();
  await workerB.infra.close();
});

const clock = () => app.clock as ManualClock;
const teacherActor = (built: { teacher: { user: { id: string } } }) => ({ userId: built.teacher.user.id, role: 'teacher' as const });
const scheduledAt = (key: string) => app.ctx.services.jobs.scheduler.scheduledAt(LESSON_REMINDER, key);
const near = (a: Date | null, b: number) => a !== null && Math.abs(a.getTime() - b) < 2_000;

describe('the 15-minute reminder', () => {
  it('is due 15 minutes before the start, follows a move, and tells the teacher and the group’s students once', async () => {
    const built = await buildGroup(app, { studentCount: 2 });
    const other = await buildGroup(app, { studentCount: 1 });
    const start = clock().now().getTime() + 2 * 60 * MINUTE;
    const { event } = await buildLesson(app, built.teacher, built.group.id, new Date(start).toISOString(), 60, 'Алгебра');
    expect(near(await scheduledAt(event.id), start - REMIND_BEFORE_MS)).toBe(true);

    // Moved so that its reminder falls 3 s from now (by the app's clock): the waiting run moves with it.
    const moved = clock().now().getTime() + REMIND_BEFORE_MS + 3_000;
    await app.ctx.services.schedule.updateLesson(teacherActor(built), event.id, { startAt: new Date(moved).toISOString(), endAt: new Date(moved + 60 * MINUTE).toISOString() });
    expect(near(await scheduledAt(event.id), moved - REMIND_BEFORE_MS)).toBe(true);
    await sleep(1_000);
    expect(await kinds(app, built.students[0]!.token)).toEqual(['lesson_moved']);

    await expect.poll(() => kinds(app, built.teacher.token), { timeout: 15_000, interval: 250 }).toEqual(['lesson_starting']);
    for (const student of built.students) expect(await kinds(app, student.token)).toEqual(['lesson_moved', 'lesson_starting']);
    expect(await kinds(app, other.students[0]!.token)).toEqual([]);
    const reminder = (await bell(app, built.teacher.token)).items[0]!;
    expect(reminder).toMatchObject({ kind: 'lesson_starting', link: '/app', data: { title: 'Алгебра', startAt: new Date(moved).toISOString() } });
    expect(await scheduledAt(event.id)).toBeNull();
  }, 40_000);

  it('is dropped when the lesson is cancelled, and a late run of a stale reminder tells nobody', async () => {
    const built = await buildGroup(app, { studentCount: 1 });
    const start = clock().now().getTime() + REMIND_BEFORE_MS + 2_000;
    const { event } = await buildLesson(app, built.teacher, built.group.id, new Date(start).toISOString());
    expect(near(await scheduledAt(event.id), start - REMIND_BEFORE_MS)).toBe(true);
    await app.ctx.services.schedule.cancelLesson(teacherActor(built), event.id);
    expect(await scheduledAt(event.id)).toBeNull();
    expect(await app.ctx.services.notificationTriggers.remindLesson(event.id)).toBe(0);
    await sleep(4_000);
    expect(await kinds(app, built.teacher.token)).toEqual([]);
    expect(await kinds(app, built.students[0]!.token)).toEqual(['lesson_cancelled']);
  }, 20_000);

  it('a cancel or a move turns the reminder already in the bell read, live, so the badge drops', async () => {
    const built = await buildGroup(app, { studentCount: 1 });
    const student = built.students[0]!;
    const triggers = app.ctx.services.notificationTriggers;
    const soon = (minutes: number) => new Date(clock().now().getTime() + minutes * MINUTE).toISOString();
    const { event: cancelled } = await buildLesson(app, built.teacher, built.group.id, soon(10), 45, 'Химия');
    const second = await buildGroup(app, { students: [student] }); // another teacher: the lessons overlap
    const { event: moved } = await buildLesson(app, second.teacher, second.group.id, soon(12), 45, 'Физика');
    // Both are inside their 15 minutes: the reminders go at once (the queue's or this run, whichever first).
    await triggers.remindLesson(cancelled.id);
    await triggers.remindLesson(moved.id);
    expect(await kinds(app, student.token)).toEqual(['lesson_starting', 'lesson_starting']);
    expect((await bell(app, student.token)).unread).toBe(2);

    const tab = await connected(app, student.token);
    const reminderOf = async (title: string) => (await bell(app, student.token)).items.find((n) => n.kind === 'lesson_starting' && n.data.title === title)!;
    const cancelledReminder = await reminderOf('Химия');
    const readLive = nextEventMatching<NotificationReadPayload>(tab, 'notification:read', (p) => p.ids.includes(cancelledReminder.id));
    await app.ctx.services.schedule.cancelLesson(teacherActor(built), cancelled.id);
    expect(await readLive).toMatchObject({ ids: [cancelledReminder.id], all: false, unread: 1 });
    expect((await reminderOf('Химия')).read).toBe(true);
    expect((await bell(app, built.teacher.token)).items.find((n) => n.data.title === 'Химия')!.read).toBe(true);

    const movedReminder = await reminderOf('Физика');
    const movedLive = nextEventMatching<NotificationReadPayload>(tab, 'notification:read', (p) => p.ids.includes(movedReminder.id));
    await app.ctx.services.schedule.updateLesson(teacherActor(second), moved.id, { startAt: soon(120), endAt: soon(165) });
    expect((await movedLive).ids).toEqual([movedReminder.id]);
    expect((await reminderOf('Физика')).read).toBe(true);
    // What stays unread is the news itself: the one cancelled and the one moved.
    const page = await bell(app, student.token);
    expect(page.items.filter((n) => !n.read).map((n) => n.kind).sort()).toEqual(['lesson_cancelled', 'lesson_moved']);
    expect(page.unread).toBe(2);
    tab.disconnect();
  });

  it('fires at the right moment by the injected clock: early runs wait, the run inside the 15 minutes tells', async () => {
    const built = await buildGroup(app, { studentCount: 1 });
    const start = clock().now().getTime() + 60 * MINUTE;
    const { event } = await buildLesson(app, built.teacher, built.group.id, new Date(start).toISOString());
    const triggers = app.ctx.services.notificationTriggers;
    expect(await triggers.remindLesson(event.id)).toBe(0); // 45 minutes early: it only waits again
    expect(near(await scheduledAt(event.id), start - REMIND_BEFORE_MS)).toBe(true);
    clock().advance(45 * MINUTE);
    expect(await triggers.remindLesson(event.id)).toBe(2);
    expect(await triggers.remindLesson(event.id)).toBe(0);
    clock().advance(16 * MINUTE); // started: too late to remind
    const late = await buildGroup(app, { studentCount: 1 });
    const { event: started } = await buildLesson(app, late.teacher, late.group.id, new Date(clock().now().getTime() - MINUTE).toISOString());
    expect(await triggers.remindLesson(started.id)).toBe(0);
  });
});

describe('two workers', () => {
  it('a rule occurrence gets its reminder from the look-ahead duty; both workers running everything at once tell each person once', async () => {
    const built = await buildGroup(app, { studentCount: 3 });
    // A weekly rule whose next occurrence starts 10 minutes from now (inside the 15 minutes already).
    const start = new Date(clock().now().getTime() + 10 * MINUTE);
    const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const end = new Date(start.getTime() + 60 * MINUTE);
    const today = start.toISOString().slice(0, 10);
    await buildRule(app, built.teacher, built.group.id, { dayOfWeek: start.getUTCDay() === 0 ? 7 : start.getUTCDay(), startTime: hhmm(start), endTime: hhmm(end), timezone: 'UTC', startDate: today, endDate: today });

    const runners = [workerA, workerB, workerA, workerB];
    await Promise.all(runners.map((w) => w.services.notificationTriggers.placeUpcomingReminders()));
    const rows = (await rowsOf(app.databaseUrl, 'lesson_starting')).filter((r) => [built.teacher, ...built.students].some((u) => u.user.id === r.user_id));
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(4);
    for (const student of built.students) expect(await kinds(app, student.token)).toEqual(['lesson_starting']);
  });

  it('many reminders at one moment run once each across both workers', async () => {
    const groups = await Promise.all(Array.from({ length: 6 }, () => buildGroup(app, { studentCount: 2 })));
    const start = clock().now().getTime() + REMIND_BEFORE_MS + 1_500;
    const ids: string[] = [];
    for (const built of groups) ids.push((await buildLesson(app, built.teacher, built.group.id, new Date(start).toISOString())).event.id);
    await expect.poll(async () => (await rowsOf(app.databaseUrl, 'lesson_starting')).filter((r) => groups.some((g) => g.teacher.user.id === r.user_id)).length, { timeout: 20_000, interval: 300 }).toBe(6);
    await Promise.all(ids.flatMap((id) => [workerA, workerB].map((w) => w.services.notificationTriggers.remindLesson(id))));
    await sleep(1_500);
    const people = groups.flatMap((g) => [g.teacher, ...g.students].map((u) => u.user.id));
    const rows = (await rowsOf(app.databaseUrl, 'lesson_starting')).filter((r) => people.includes(r.user_id));
    expect(rows).toHaveLength(people.length);
  }, 40_000);
});
