import { beforeAll, describe, expect, it } from 'vitest';
import type { StudentHomeworkDto, SubmissionRowDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildHomework, rightAnswers, type BuiltHomework } from '../../factories/homework.js';
import { apiNow, DAY_MS } from './helpers.js';
import { homeworkDueJob, homeworkSweepJob } from '../../../server/src/modules/homework/homework.jobs.js';
import { HOMEWORK_DUE } from '../../../server/src/modules/homework/homework.schedule.js';
import { jobDefinitions, scheduledJobs } from '../../../server/src/jobs.js';

describe('missed work: 0 at the due time, a 14-day backlog, late replacement, closing at 0', () => {
  let app: TestApp;
  let clock: ManualClock;
  let built: BuiltGroup;
  let hw: BuiltHomework;
  let dueAt: Date;
  const rows = async () => (await (await apiNow(app, built.teacher.user)).get(`/api/homework/${hw.homework.id}/submissions`)).body.rows as SubmissionRowDto[];
  const rowOf = async (index: number) => (await rows()).find((r) => r.studentId === built.students[index].user.id)!;
  const take = async (index: number) => {
    const as = await apiNow(app, built.students[index].user);
    const started = await as.post(`/api/homework/${hw.homework.id}/attempts`);
    if (started.status !== 201) return started;
    const attempt = started.body.attempt;
    for (const [questionId, answer] of Object.entries(rightAnswers(hw.questions))) await as.put(`/api/attempts/${attempt.id}/answers/${questionId}`, { answer });
    return as.post(`/api/attempts/${attempt.id}/submit`);
  };

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-10T09:00:00Z'));
    app = await createTestApp({ clock });
    built = await buildGroup(app, { studentCount: 4 });
    dueAt = new Date(clock.now().getTime() + DAY_MS);
    hw = await buildHomework(app, built, { dueAt: dueAt.toISOString(), questions: (await import('../../factories/homework.js')).sampleQuestions().slice(0, 3) });
    // Student 0 submits in time, 1 does nothing, 2 is excused, 3 starts but does not submit.
    expect((await take(0)).status).toBe(200);
    await (await apiNow(app, built.teacher.user)).put(`/api/homework/${hw.homework.id}/overrides/${built.students[2].user.id}`, { excused: true });
    expect((await (await apiNow(app, built.students[3].user)).post(`/api/homework/${hw.homework.id}/attempts`)).status).toBe(201);
  });

  it('nothing happens before the due time', async () => {
    expect(await app.ctx.services.homework.processDue(clock.now())).toBe(0);
    expect((await rowOf(1)).state).toBe('todo');
  });

  it('at the due time every student without a submission (not excused) gets 0 and a backlog, once, even with two workers', async () => {
    clock.set(new Date(dueAt.getTime() + 60_000));
    const service = app.ctx.services.homework;
    const [a, b] = await Promise.all([service.processDue(clock.now()), service.processDue(clock.now())]);
    expect(a + b).toBe(2);
    expect(await service.processDue(clock.now())).toBe(0);
    expect(await rowOf(0)).toMatchObject({ state: 'graded', late: false });
    expect(await rowOf(1)).toMatchObject({ state: 'backlog', score: 0 });
    expect(await rowOf(2)).toMatchObject({ state: 'excused', score: null });
    expect(await rowOf(3)).toMatchObject({ state: 'backlog', score: 0 });
    const list = (await (await apiNow(app, built.students[1].user)).get('/api/homework')).body.homework as StudentHomeworkDto[];
    expect(list[0]).toMatchObject({ state: 'backlog', score: 0, daysLeft: 14, backlogUntil: new Date(dueAt.getTime() + 14 * DAY_MS).toISOString() });
  });

  it('submitting from the backlog replaces the 0 with the earned score, marked late', async () => {
    clock.advance(3 * DAY_MS);
    const submitted = await take(3);
    expect(submitted.status).toBe(200);
    expect(submitted.body.attempt.late).toBe(true);
    expect(await rowOf(3)).toMatchObject({ state: 'graded', score: 4, late: true });
  });

  it('after 14 days the backlog closes at 0 and no late submission is taken', async () => {
    clock.set(new Date(dueAt.getTime() + 14 * DAY_MS + 60_000));
    const service = app.ctx.services.homework;
    const [a, b] = await Promise.all([service.closeBacklog(clock.now()), service.closeBacklog(clock.now())]);
    expect(a + b).toBe(1);
    expect(await rowOf(1)).toMatchObject({ state: 'missed', score: 0 });
    expect(await rowOf(3)).toMatchObject({ state: 'graded', score: 4 });
    const refused = await (await apiNow(app, built.students[1].user)).post(`/api/homework/${hw.homework.id}/attempts`);
    expect(refused.body.error.code).toBe('homework/not-open');
    expect((await rowOf(2)).state).toBe('excused');
  });

  it('an extended due time keeps a student out of the missed sweep until then', async () => {
    const other = await buildHomework(app, built, { dueAt: new Date(clock.now().getTime() + DAY_MS).toISOString(), questions: (await import('../../factories/homework.js')).sampleQuestions().slice(0, 1) });
    const extended = built.students[1].user.id;
    const res = await (await apiNow(app, built.teacher.user)).put(`/api/homework/${other.homework.id}/overrides/${extended}`, { dueAt: new Date(clock.now().getTime() + 5 * DAY_MS).toISOString() });
    expect(res.status).toBe(200);
    clock.advance(DAY_MS + 60_000);
    expect(await app.ctx.services.homework.processDue(clock.now())).toBe(3);
    clock.advance(4 * DAY_MS);
    expect(await app.ctx.services.homework.processDue(clock.now())).toBe(1);
  });

  it('the periodic job runs both steps, in the server too in single-node mode', async () => {
    expect(jobDefinitions).toContain(homeworkSweepJob);
    expect(homeworkSweepJob.runsInServer?.(app.ctx)).toBe(true);
    const other = await buildHomework(app, built, { dueAt: new Date(clock.now().getTime() + DAY_MS).toISOString(), questions: (await import('../../factories/homework.js')).sampleQuestions().slice(0, 1) });
    clock.advance(DAY_MS + 1);
    await homeworkSweepJob.run(app.ctx);
    const table = (await (await apiNow(app, built.teacher.user)).get(`/api/homework/${other.homework.id}/submissions`)).body.rows as SubmissionRowDto[];
    expect(table.filter((r) => r.state === 'backlog')).toHaveLength(4);
  });

  it('the exact due moments are scheduled on the job queue: publish, a moved due time, an extension', async () => {
    expect(scheduledJobs).toContain(homeworkDueJob);
    const { scheduler } = app.ctx.services.jobs;
    const near = (a: Date | null, b: Date) => expect(Math.abs((a?.getTime() ?? 0) - b.getTime())).toBeLessThan(5_000);
    const due = new Date(clock.now().getTime() + 2 * DAY_MS);
    const other = await buildHomework(app, built, { dueAt: due.toISOString(), questions: (await import('../../factories/homework.js')).sampleQuestions().slice(0, 1) });
    near(await scheduler.scheduledAt(HOMEWORK_DUE, other.homework.id), due);
    near(await scheduler.scheduledAt(HOMEWORK_DUE, `${other.homework.id}:backlog`), new Date(due.getTime() + 14 * DAY_MS));
    const teacher = await apiNow(app, built.teacher.user);
    const moved = new Date(due.getTime() + DAY_MS);
    expect((await teacher.patch(`/api/homework/${other.homework.id}`, { dueAt: moved.toISOString() })).status).toBe(200);
    near(await scheduler.scheduledAt(HOMEWORK_DUE, other.homework.id), moved);
    const extended = new Date(due.getTime() + 5 * DAY_MS);
    const student = built.students[0].user.id;
    expect((await teacher.put(`/api/homework/${other.homework.id}/overrides/${student}`, { dueAt: extended.toISOString() })).status).toBe(200);
    near(await scheduler.scheduledAt(HOMEWORK_DUE, `${other.homework.id}:${student}`), extended);
  });
});
