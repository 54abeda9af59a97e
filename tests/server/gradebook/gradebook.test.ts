import { beforeAll, describe, expect, it } from 'vitest';
import type { GradebookDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildHomework, rightAnswers, sampleQuestions } from '../../factories/homework.js';
import { buildAdmin, buildTeacher } from '../../factories/users.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildControlPoint, markAttendance, scoreControlPoint, submitHomework } from '../../factories/gradebook.js';
import { apiNow, DAY_MS } from '../homework/helpers.js';

const rowOf = (table: GradebookDto, studentId: string) => table.rows.find((r) => r.student.id === studentId)!;

describe('the gradebook table', () => {
  let app: TestApp;
  let clock: ManualClock;
  let built: BuiltGroup;
  const teacherApi = () => apiNow(app, built.teacher.user);
  const table = async () => (await (await teacherApi()).get(`/api/groups/${built.group.id}/gradebook`)).body as GradebookDto;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-10T09:00:00Z'));
    app = await createTestApp({ clock });
    built = await buildGroup(app, { studentCount: 3, name: 'Алгебра 9Б' });
  });

  it('control points: Moodle’s worked example 70/100, 20/80, 10/10 → 65 % as a mean, 62.5 % with weights 10/5/3', async () => {
    const points = [
      await buildControlPoint(app, built, { title: 'Midterm', maxPoints: 100, weight: 10, date: '2026-03-01' }),
      await buildControlPoint(app, built, { title: 'Quiz', kind: 'test', maxPoints: 80, weight: 5, date: '2026-03-02' }),
      await buildControlPoint(app, built, { title: 'Oral', kind: 'oral', maxPoints: 10, weight: 3, date: '2026-03-03' }),
    ];
    for (const [i, score] of [70, 20, 10].entries()) await scoreControlPoint(app, built, points[i]!.id, [[0, score]]);
    let gradebook = await table();
    const me = built.students[0]!.user.id;
    expect(gradebook.columns.map((c) => [c.id, c.category, c.maxPoints, c.weight, c.counted])).toEqual(points.map((p, i) => [`cp:${p.id}`, 'control', [100, 80, 10][i], [10, 5, 3][i], true]));
    expect(rowOf(gradebook, me)).toMatchObject({ categories: { attendance: null, homework: null, control: 62.5 }, total: 62.5, mark: '3' });
    expect(gradebook.categories).toEqual([
      { key: 'attendance', weight: 20, effectiveWeight: null },
      { key: 'homework', weight: 30, effectiveWeight: null },
      { key: 'control', weight: 50, effectiveWeight: 100 },
    ]);
    const api = await teacherApi();
    for (const p of points) expect((await api.patch(`/api/control-points/${p.id}`, { weight: 1 })).status).toBe(200);
    gradebook = await table();
    expect(rowOf(gradebook, me).categories.control).toBe(65);
    // the others have no score: no total, left out of the averages
    expect(rowOf(gradebook, built.students[1]!.user.id)).toMatchObject({ total: null, mark: null });
    expect(gradebook.averages).toMatchObject({ columns: [70, 25, 100], total: 65 });
  });

  it('an excused score is left out; a cleared one disappears', async () => {
    const point = await buildControlPoint(app, built, { title: 'Essay', kind: 'essay', maxPoints: 20, date: '2026-03-04' });
    await scoreControlPoint(app, built, point.id, [{ studentId: built.students[0]!.user.id, points: null, excused: true }, { studentId: built.students[1]!.user.id, points: 15, comment: '=SUM(A1)' }]);
    const gradebook = await table();
    const index = gradebook.columns.findIndex((c) => c.id === `cp:${point.id}`);
    expect(rowOf(gradebook, built.students[0]!.user.id).cells[index]).toEqual([null, 'excused']);
    expect(rowOf(gradebook, built.students[0]!.user.id).categories.control).toBe(65);
    expect(rowOf(gradebook, built.students[1]!.user.id).cells[index]).toEqual([15, 'scored', '=SUM(A1)']);
    expect(rowOf(gradebook, built.students[1]!.user.id).categories.control).toBe(75);
    await scoreControlPoint(app, built, point.id, [[1, null]]);
    expect(rowOf(await table(), built.students[1]!.user.id).cells[index]).toBeNull();
    expect((await (await teacherApi()).delete(`/api/control-points/${point.id}`)).status).toBe(204);
  });

  it('attendance, homework (missed 0, backlog replacement) and control points make a weighted total with a mark', async () => {
    const { lesson } = await buildLesson(app, built.teacher, built.group.id, '2026-03-09T09:00:00Z', 90, 'Lesson 1');
    await markAttendance(app, built, lesson.id, [
      [0, 'present'],
      [1, 'absent'],
      [2, 'late'],
    ]);
    const hw = await buildHomework(app, built, { dueAt: new Date(clock.now().getTime() + DAY_MS).toISOString(), questions: sampleQuestions().slice(2, 3) });
    // not yet due, nothing handed in: the column is left out
    let gradebook = await table();
    const hwIndex = gradebook.columns.findIndex((c) => c.id === `hw:${hw.homework.id}`);
    expect(gradebook.columns[hwIndex]).toMatchObject({ category: 'homework', maxPoints: 1, counted: false });
    await submitHomework(app, built, 0, hw.homework.id, rightAnswers(hw.questions));
    clock.set(new Date(clock.now().getTime() + 2 * DAY_MS));
    await app.ctx.services.homework.processDue(clock.now());
    gradebook = await table();
    const [s0, s1, s2] = built.students.map((s) => rowOf(gradebook, s.user.id));
    expect(s0!.cells[hwIndex]).toEqual([1, 'graded']);
    expect(s1!.cells[hwIndex]).toEqual([0, 'backlog']);
    expect(s0).toMatchObject({ categories: { attendance: 100, homework: 100, control: 65 }, total: 82.5, mark: '4' });
    // absent 0/2, missed 0, no control points: (0×20 + 0×30) / 50
    expect(s1).toMatchObject({ categories: { attendance: 0, homework: 0, control: null }, total: 0, mark: '2' });
    expect(s2!.categories.attendance).toBe(50);
    // the late submission from the backlog replaces the 0
    await submitHomework(app, built, 1, hw.homework.id, rightAnswers(hw.questions));
    gradebook = await table();
    expect(rowOf(gradebook, built.students[1]!.user.id)).toMatchObject({ categories: { homework: 100 }, total: 60, mark: '3' });
    expect(gradebook.averages.columns[hwIndex]).toBe(66.67);
  });

  it('weights and scale are the teacher’s to change; negative weights and broken scales are refused', async () => {
    const api = await teacherApi();
    const url = `/api/groups/${built.group.id}/gradebook-settings`;
    expect((await api.get(url)).body).toMatchObject({ weights: { attendance: 20, homework: 30, control: 50 }, scale: [{ min: 85, mark: '5' }, { min: 70, mark: '4' }, { min: 50, mark: '3' }, { min: 0, mark: '2' }] });
    expect((await api.put(url, { weights: { attendance: -1, homework: 30, control: 50 } })).status).toBe(400);
    expect((await api.put(url, { scale: [{ min: 50, mark: 'pass' }] })).status).toBe(400);
    const saved = await api.put(url, { weights: { attendance: 0, homework: 50, control: 50 }, scale: [{ min: 0, mark: 'fail' }, { min: 60, mark: 'pass' }] });
    expect(saved.status).toBe(200);
    expect(saved.body.scale).toEqual([{ min: 60, mark: 'pass' }, { min: 0, mark: 'fail' }]);
    const row = rowOf(await table(), built.students[0]!.user.id);
    expect(row).toMatchObject({ total: 82.5, mark: 'pass' });
    await api.put(url, { weights: { attendance: 20, homework: 30, control: 50 }, scale: null });
    expect(rowOf(await table(), built.students[0]!.user.id).mark).toBeNull();
    await api.put(url, { scale: [{ min: 85, mark: '5' }, { min: 70, mark: '4' }, { min: 50, mark: '3' }, { min: 0, mark: '2' }] });
  });

  it('who may see and change what: the teacher, admins read-only, a student only their own row, strangers nothing', async () => {
    const point = await buildControlPoint(app, built, { title: 'Final', maxPoints: 50, date: '2026-03-20' });
    const api = await teacherApi();
    const scoresUrl = `/api/control-points/${point.id}/scores`;
    const before = (await api.get(scoresUrl)).body;
    // over the maximum, a stranger, or a bad id: nothing is written
    const over = await api.put(scoresUrl, { scores: [{ studentId: built.students[0]!.user.id, points: 10 }, { studentId: built.students[1]!.user.id, points: 50.5 }] });
    expect(over.status).toBe(400);
    expect(over.body.error.fields).toHaveProperty(['scores.1.points']);
    const outsider = await buildGroup(app, { studentCount: 1 });
    const stranger = await api.put(scoresUrl, { scores: [{ studentId: built.students[0]!.user.id, points: 10 }, { studentId: outsider.students[0]!.user.id, points: 10 }] });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('group/student-not-found');
    expect((await api.put(scoresUrl, { scores: [{ studentId: 'nope', points: 1 }] })).status).toBe(400);
    expect((await api.put(scoresUrl, { scores: [] })).status).toBe(400);
    expect((await api.get(scoresUrl)).body).toEqual(before);
    expect((await api.put(`/api/control-points/00000000-0000-4000-8000-000000000000/scores`, { scores: [{ studentId: built.students[0]!.user.id, points: 1 }] })).status).toBe(404);
    expect((await api.post(`/api/groups/${built.group.id}/control-points`, { title: 'X', kind: 'quiz', maxPoints: 10 })).status).toBe(400);
    expect((await api.post(`/api/groups/${built.group.id}/control-points`, { title: 'X', kind: 'exam', maxPoints: 0 })).status).toBe(400);
    expect((await api.post(`/api/groups/${outsider.group.id}/control-points`, { title: 'X', kind: 'exam', maxPoints: 10 })).status).toBe(404);
    expect((await api.post(`/api/groups/${built.group.id}/control-points`, { title: 'X', kind: 'exam', maxPoints: 10, lessonId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    // another teacher sees none of it
    const other = await apiNow(app, (await buildTeacher(app)).user);
    expect((await other.get(`/api/groups/${built.group.id}/gradebook`)).status).toBe(404);
    expect((await other.put(scoresUrl, { scores: [{ studentId: built.students[0]!.user.id, points: 1 }] })).status).toBe(404);
    expect((await other.patch(`/api/control-points/${point.id}`, { title: 'Mine' })).status).toBe(404);
    // an admin reads everything, changes nothing
    const admin = await apiNow(app, (await buildAdmin(app)).user);
    expect((await admin.get(`/api/groups/${built.group.id}/gradebook`)).body.rows).toHaveLength(3);
    expect((await admin.get(`/api/groups/${built.group.id}/gradebook/dashboard`)).status).toBe(200);
    expect((await admin.put(scoresUrl, { scores: [{ studentId: built.students[0]!.user.id, points: 1 }] })).status).toBe(403);
    expect((await admin.put(`/api/groups/${built.group.id}/gradebook-settings`, { scale: null })).status).toBe(403);
    // a student: their own row with the group's averages, nothing of anyone else
    const student = await apiNow(app, built.students[1]!.user);
    const own = (await student.get(`/api/groups/${built.group.id}/gradebook`)).body as GradebookDto;
    expect(own.rows.map((r) => r.student.id)).toEqual([built.students[1]!.user.id]);
    expect(own.averages).toEqual((await table()).averages);
    const mine = await student.get(`/api/me/grades?groupId=${built.group.id}`);
    expect(mine.body.rows.map((r: { student: { id: string } }) => r.student.id)).toEqual([built.students[1]!.user.id]);
    expect((await student.get('/api/me/grades')).body.groups).toEqual([{ id: built.group.id, name: 'Алгебра 9Б', teacherName: expect.any(String) }]);
    expect((await student.get(`/api/me/grades?groupId=${outsider.group.id}`)).status).toBe(404);
    expect((await student.get(`/api/groups/${outsider.group.id}/gradebook`)).status).toBe(404);
    expect((await student.get(`/api/groups/${built.group.id}/gradebook/export?format=csv`)).status).toBe(403);
    expect((await student.get(`/api/groups/${built.group.id}/gradebook/dashboard`)).status).toBe(403);
    expect((await student.get(scoresUrl)).status).toBe(403);
    expect((await student.get(`/api/groups/${built.group.id}/control-points`)).status).toBe(403);
    expect((await student.get(`/api/groups/${built.group.id}/gradebook-settings`)).status).toBe(403);
    expect((await student.put(scoresUrl, { scores: [{ studentId: built.students[1]!.user.id, points: 50 }] })).status).toBe(403);
    expect((await student.get(`/api/groups/${built.group.id}/gradebook/students/${built.students[0]!.user.id}/progress`)).status).toBe(403);
    expect((await student.get(`/api/groups/${built.group.id}/gradebook/students/${built.students[1]!.user.id}/progress`)).status).toBe(200);
    await api.delete(`/api/control-points/${point.id}`);
  });

  it('dashboard: distribution of totals and students at risk with their reasons; progress over time with rank', async () => {
    const api = await teacherApi();
    const dashboard = (await api.get(`/api/groups/${built.group.id}/gradebook/dashboard`)).body;
    const totals = (await table()).rows.map((r) => r.total);
    expect(dashboard.distribution.reduce((n: number, b: { count: number }) => n + b.count, 0) + dashboard.noTotal).toBe(totals.length);
    const s2 = dashboard.atRisk.find((r: { student: { id: string } }) => r.student.id === built.students[2]!.user.id);
    // late (1/2 = 50 % attendance) and the homework missed
    expect(s2.reasons).toEqual(expect.arrayContaining([{ code: 'low_attendance', value: 50 }]));
    const progress = (await api.get(`/api/groups/${built.group.id}/gradebook/students/${built.students[0]!.user.id}/progress`)).body;
    expect(progress.rank).toBe(1);
    const now = await table();
    // every column is dated, so the last point is the table as it is now
    expect(progress.points.at(-1)).toMatchObject({ total: rowOf(now, built.students[0]!.user.id).total, groupTotal: now.averages.total, groupCategories: now.averages.categories });
    expect(progress.points[0]).toMatchObject({ date: '2026-03-01', total: 70 });
    expect((await api.get(`/api/groups/${built.group.id}/gradebook/dashboard?threshold=101`)).status).toBe(400);
  });

  it('a student sees no score of homework whose results are not released yet: not in the cell, the total or the average', async () => {
    const group = await buildGroup(app, { studentCount: 2 });
    const hw = await buildHomework(app, group, { releaseResults: 'manual', questions: sampleQuestions().slice(2, 3) });
    await submitHomework(app, group, 0, hw.homework.id, rightAnswers(hw.questions));
    const url = `/api/groups/${group.group.id}/gradebook`;
    const teacherView = (await (await apiNow(app, group.teacher.user)).get(url)).body as GradebookDto;
    expect(teacherView.rows.find((r) => r.student.id === group.students[0]!.user.id)).toMatchObject({ cells: [[1, 'graded']], total: 100 });
    const student = await apiNow(app, group.students[0]!.user);
    const hidden = (await student.get(url)).body as GradebookDto;
    expect(hidden.rows).toEqual([expect.objectContaining({ cells: [[null, 'submitted']], total: null, mark: null })]);
    expect(hidden.averages).toEqual({ columns: [null], categories: { attendance: null, homework: null, control: null }, total: null });
    await app.ctx.services.homework.releaseResults({ userId: group.teacher.user.id, role: 'teacher' }, hw.homework.id);
    const released = (await student.get(url)).body as GradebookDto;
    expect(released.rows[0]).toMatchObject({ cells: [[1, 'graded']], total: 100 });
    expect(released.averages.columns).toEqual([100]);
  });
});
