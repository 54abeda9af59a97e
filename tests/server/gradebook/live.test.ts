import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import type { GradebookCellPayload, GradebookDto } from '@tp/shared';
import { createTestApp, nextEvent, nextEventMatching, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildAdmin, buildStudent } from '../../factories/users.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildControlPoint, markAttendance, scoreControlPoint } from '../../factories/gradebook.js';
import { countQueries } from '../schedule/helpers.js';

type Received = { event: string; payload: Record<string, unknown> };

/** Every gradebook event a socket receives, in order. */
function record(socket: Socket): Received[] {
  const got: Received[] = [];
  socket.onAny((event: string, payload: Record<string, unknown>) => {
    if (event.startsWith('gradebook:')) got.push({ event, payload });
  });
  return got;
}

/** The student ids whose data an event carries (cell owner, rows, removals). */
function studentsIn({ event, payload }: Received): string[] {
  if (event === 'gradebook:cell') return [payload.studentId as string];
  const rows = (payload.rows as Array<{ student: { id: string } }>).map((r) => r.student.id);
  return [...rows, ...((payload.removedStudentIds as string[] | undefined) ?? [])];
}

/** A socket of `app` for `token`, once the server has joined it to its rooms. */
async function connect(app: TestApp, token: string): Promise<Socket> {
  const socket = app.socket(token);
  await nextEvent(socket, 'session:ready');
  return socket;
}

async function watch(socket: Socket, groupId: string): Promise<GradebookDto> {
  const answer = await socket.emitWithAck('gradebook:watch', { groupId });
  expect(answer.ok).toBe(true);
  return answer.data as GradebookDto;
}

describe('the live gradebook across two nodes', () => {
  const clock = new ManualClock(new Date('2026-03-10T09:00:00Z'));
  let nodeA: TestApp;
  let nodeB: TestApp;
  let built: BuiltGroup;
  let lessonId: string;
  const sockets: Array<{ id: string; got: Received[] }> = [];

  beforeAll(async () => {
    nodeA = await createTestApp({ redis: true, clock });
    nodeB = await createTestApp({ redis: true, clock, databaseUrl: nodeA.databaseUrl });
    built = await buildGroup(nodeA, { studentCount: 3 });
    lessonId = (await buildLesson(nodeA, built.teacher, built.group.id, '2026-03-09T09:00:00Z', 90, 'Lesson 1')).lesson.id;
    await markAttendance(nodeA, built, lessonId, [
      [0, 'present'],
      [1, 'present'],
      [2, 'present'],
    ]);
  });

  // a student never receives another student's data, whatever happened in the test
  afterEach(() => {
    for (const { id, got } of sockets) for (const received of got) expect(studentsIn(received).every((s) => s === id)).toBe(true);
  });

  it('a mark made on node A reaches the teacher and the student on node B with the new cell and total, and no one else’s row', async () => {
    const teacher = await connect(nodeB, built.teacher.token);
    const admin = await connect(nodeB, (await buildAdmin(nodeA)).token);
    const [s0, s1] = [await connect(nodeB, built.students[0]!.token), await connect(nodeA, built.students[1]!.token)];
    const [teacherGot, s0Got, s1Got] = [record(teacher), record(s0), record(s1)];
    sockets.push({ id: built.students[0]!.user.id, got: s0Got }, { id: built.students[1]!.user.id, got: s1Got });
    const snapshot = await watch(teacher, built.group.id);
    expect(snapshot.rows).toHaveLength(3);
    await watch(admin, built.group.id);
    const own = await watch(s0, built.group.id);
    expect(own.rows.map((r) => r.student.id)).toEqual([built.students[0]!.user.id]);
    await watch(s1, built.group.id);

    const toTeacher = nextEvent<GradebookCellPayload>(teacher, 'gradebook:cell');
    const toAdmin = nextEvent<GradebookCellPayload>(admin, 'gradebook:cell');
    const toStudent = nextEvent<GradebookCellPayload>(s0, 'gradebook:cell');
    const saved = await request(nodeA.url)
      .put(`/api/lessons/${lessonId}/attendance`)
      .set('Authorization', `Bearer ${built.teacher.token}`)
      .send({ marks: [{ studentId: built.students[0]!.user.id, status: 'absent' }] });
    expect(saved.status).toBe(200);
    const [cell, adminCell, studentCell] = await Promise.all([toTeacher, toAdmin, toStudent]);
    expect(cell).toMatchObject({ studentId: built.students[0]!.user.id, columnId: `att:${lessonId}`, columnIndex: 0, cell: [0, 'absent'], row: { total: 0, mark: '2' } });
    expect(cell.averages).toEqual({ columns: { [`att:${lessonId}`]: 66.67 }, categories: { attendance: 66.67, homework: null, control: null }, total: 66.67 });
    expect(cell.meta).toEqual({ room: `gradebook:${built.group.id}`, seq: snapshot.seq + 1 });
    expect(adminCell.meta).toEqual(cell.meta);
    expect(studentCell).toMatchObject({ studentId: built.students[0]!.user.id, cell: [0, 'absent'], row: { total: 0 }, meta: { room: `gradebook:${built.group.id}:${built.students[0]!.user.id}`, seq: own.seq + 1 } });
    // a fresh snapshot agrees with what the events built
    const again = (await request(nodeB.url).get(`/api/groups/${built.group.id}/gradebook`).set('Authorization', `Bearer ${built.teacher.token}`)).body as GradebookDto;
    expect(again.rows.find((r) => r.student.id === built.students[0]!.user.id)).toMatchObject({ cells: [[0, 'absent']], total: 0 });
    expect(again.averages.total).toBe(66.67);
    expect(again.seq).toBe(cell.meta!.seq);
    expect(teacherGot).toHaveLength(1);
  });

  it('a control point, a score, a weight change, a student joining and leaving all reach the right views', async () => {
    const teacher = await connect(nodeA, built.teacher.token);
    const s2 = await connect(nodeB, built.students[2]!.token);
    const s2Got = record(s2);
    sockets.push({ id: built.students[2]!.user.id, got: s2Got });
    await watch(teacher, built.group.id);
    await watch(s2, built.group.id);

    // a new column: everyone's table changes shape
    const column = nextEvent<{ columns: Array<{ id: string }>; rows: unknown[] }>(teacher, 'gradebook:column');
    const ownColumn = nextEvent<{ columns: Array<{ id: string }>; rows: unknown[] }>(s2, 'gradebook:column');
    const point = await buildControlPoint(nodeB, built, { title: 'Exam', maxPoints: 50, date: '2026-03-11' });
    expect((await column).columns.map((c) => c.id)).toEqual([`att:${lessonId}`, `cp:${point.id}`]);
    expect((await column).rows).toHaveLength(3);
    expect((await ownColumn).rows).toHaveLength(1);

    const scored = nextEventMatching<GradebookCellPayload>(teacher, 'gradebook:cell', (p) => p.studentId === built.students[1]!.user.id);
    await scoreControlPoint(nodeB, built, point.id, [[1, 40]]);
    expect(await scored).toMatchObject({ columnId: `cp:${point.id}`, columnIndex: 1, cell: [40, 'scored'], row: { categories: { attendance: 100, control: 80 }, total: 85.71 } });

    const settings = nextEvent<{ categories: Array<{ key: string; weight: number }> }>(teacher, 'gradebook:column');
    await request(nodeB.url).put(`/api/groups/${built.group.id}/gradebook-settings`).set('Authorization', `Bearer ${built.teacher.token}`).send({ weights: { attendance: 50, homework: 0, control: 50 } }).expect(200);
    expect((await settings).categories.map((c) => c.weight)).toEqual([50, 0, 50]);

    const newcomer = await buildStudent(nodeA);
    const joined = nextEvent<{ rows: Array<{ student: { id: string } }> }>(teacher, 'gradebook:row');
    await nodeB.ctx.services.groups.addStudent({ userId: built.teacher.user.id, role: 'teacher' }, built.group.id, newcomer.user.email);
    expect((await joined).rows.map((r) => r.student.id)).toEqual([newcomer.user.id]);
    const left = nextEvent<{ removedStudentIds: string[] }>(teacher, 'gradebook:row');
    await nodeB.ctx.services.groups.removeStudent({ userId: built.teacher.user.id, role: 'teacher' }, built.group.id, newcomer.user.id);
    expect((await left).removedStudentIds).toEqual([newcomer.user.id]);
  });

  it('watching is refused to strangers and unknown groups; a student cannot watch the whole table', async () => {
    const outsider = await buildStudent(nodeA);
    const socket = await connect(nodeA, outsider.token);
    expect(await socket.emitWithAck('gradebook:watch', { groupId: built.group.id })).toMatchObject({ ok: false, error: { code: 'group/not-found' } });
    expect(await socket.emitWithAck('gradebook:watch', { groupId: 'x' })).toMatchObject({ ok: false, error: { code: 'request/invalid' } });
    expect(await socket.emitWithAck('gradebook:unwatch', { groupId: built.group.id })).toMatchObject({ ok: true });
  });

  it('one mark costs the same number of statements in a group of 3 and of 40', async () => {
    const big = await buildGroup(nodeA, { studentCount: 40 });
    const bigPoint = await buildControlPoint(nodeA, big, { maxPoints: 10 });
    const smallPoint = await buildControlPoint(nodeA, built, { maxPoints: 10 });
    await scoreControlPoint(nodeA, big, bigPoint.id, big.students.map((_, i) => [i, i % 10] as [number, number]));
    await scoreControlPoint(nodeA, built, smallPoint.id, [[0, 5]]);
    const cost = async (group: BuiltGroup, pointId: string) =>
      (await countQueries(nodeA, () => scoreControlPoint(nodeA, group, pointId, [[1, 7]]))).queries;
    const small = await cost(built, smallPoint.id);
    const large = await cost(big, bigPoint.id);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(20);
  });

  it('after any run of changes the averages pushed with each cell equal a table built afresh', async () => {
    const group = await buildGroup(nodeA, { studentCount: 6 });
    const lesson = (await buildLesson(nodeA, group.teacher, group.group.id, '2026-03-08T09:00:00Z', 60, 'L')).lesson.id;
    const points = [await buildControlPoint(nodeA, group, { maxPoints: 20, weight: 2 }), await buildControlPoint(nodeA, group, { maxPoints: 50, weight: 1 })];
    await markAttendance(nodeA, group, lesson, group.students.map((_, i) => [i, 'present'] as [number, 'present']));
    const teacher = await connect(nodeB, group.teacher.token);
    await watch(teacher, group.group.id);
    const statuses = ['present', 'late', 'excused', 'absent'] as const;
    let seed = 7;
    const random = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
    for (let step = 0; step < 14; step++) {
      const student = random(6);
      const pushed = nextEvent<GradebookCellPayload>(teacher, 'gradebook:cell');
      if (step % 3 === 2) await markAttendance(nodeA, group, lesson, [[student, statuses[random(4)]]]);
      else {
        const point = points[random(2)]!;
        const value = random(4) === 0 ? null : random(point.maxPoints + 1);
        await scoreControlPoint(nodeA, group, point.id, random(5) === 0 ? [{ studentId: group.students[student]!.user.id, points: null, excused: true }] : [[student, value]]);
      }
      const event = await pushed;
      const fresh = (await request(nodeB.url).get(`/api/groups/${group.group.id}/gradebook`).set('Authorization', `Bearer ${group.teacher.token}`)).body as GradebookDto;
      const index = fresh.columns.findIndex((c) => c.id === event.columnId);
      expect(event.averages).toEqual({ columns: { [event.columnId]: fresh.averages.columns[index] }, categories: fresh.averages.categories, total: fresh.averages.total });
      expect(event.row).toEqual(expect.objectContaining({ total: fresh.rows.find((r) => r.student.id === event.studentId)!.total }));
    }
  });

  it('renaming or cancelling a marked lesson changes or removes its column in open views', async () => {
    const teacher = await connect(nodeB, built.teacher.token);
    await watch(teacher, built.group.id);
    const actor = { userId: built.teacher.user.id, role: 'teacher' as const };
    const renamed = nextEvent<{ columns: Array<{ id: string; title: string }> }>(teacher, 'gradebook:column');
    await nodeA.ctx.services.schedule.updateLesson(actor, lessonId, { title: 'Lesson one' });
    expect((await renamed).columns.find((c) => c.id === `att:${lessonId}`)!.title).toBe('Lesson one');
    const cancelled = nextEvent<{ columns: Array<{ id: string }> }>(teacher, 'gradebook:column');
    await nodeA.ctx.services.schedule.updateLesson(actor, lessonId, { status: 'cancelled' });
    expect((await cancelled).columns.map((c) => c.id)).not.toContain(`att:${lessonId}`);
  });
});
