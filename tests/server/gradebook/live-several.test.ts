import { beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { GradebookAveragesPatch, GradebookDto } from '@tp/shared';
import { createTestApp, nextEvent, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildControlPoint, markAttendance, scoreControlPoint } from '../../factories/gradebook.js';

type Averages = { columns: Record<string, number | null>; categories: GradebookDto['averages']['categories']; total: number | null };

const averagesOf = (dto: GradebookDto): Averages => ({
  columns: Object.fromEntries(dto.columns.map((c, i) => [c.id, dto.averages.columns[i] ?? null])),
  categories: dto.averages.categories,
  total: dto.averages.total,
});

/** A watch's snapshot (a new watch answers after every event already sent to the socket). */
async function snapshot(socket: Socket, groupId: string): Promise<GradebookDto> {
  const answer = await socket.emitWithAck('gradebook:watch', { groupId });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data as GradebookDto;
}

/** The averages an open view shows: its snapshot's, then every live event's patch on top, in order. */
async function openView(socket: Socket, groupId: string): Promise<{ shown: () => Averages }> {
  let shown = averagesOf(await snapshot(socket, groupId));
  socket.onAny((event: string, payload: { averages?: GradebookAveragesPatch }) => {
    if (!event.startsWith('gradebook:') || !payload.averages) return;
    const patch = payload.averages;
    shown = { columns: { ...shown.columns, ...patch.columns }, categories: patch.categories, total: patch.total };
  });
  return { shown: () => shown };
}

describe('one save covering several students', () => {
  const clock = new ManualClock(new Date('2026-03-10T09:00:00Z'));
  let app: TestApp;
  let built: BuiltGroup;

  beforeAll(async () => {
    app = await createTestApp({ clock });
    built = await buildGroup(app, { studentCount: 3 });
    const lesson = (await buildLesson(app, built.teacher, built.group.id, '2026-03-09T09:00:00Z', 90, 'Lesson 1')).lesson.id;
    await markAttendance(app, built, lesson, [
      [0, 'present'],
      [1, 'late'],
      [2, 'absent'],
    ]);
  });

  it('leaves every student’s page with the group averages a fresh table has, not those after their own row', async () => {
    const point = await buildControlPoint(app, built, { title: 'Exam', maxPoints: 50 });
    const sockets = await Promise.all(
      built.students.map(async ({ token }) => {
        const socket = app.socket(token);
        await nextEvent(socket, 'session:ready');
        return socket;
      }),
    );
    const teacher = app.socket(built.teacher.token);
    await nextEvent(teacher, 'session:ready');
    const views = await Promise.all(sockets.map((socket) => openView(socket, built.group.id)));
    const table = await openView(teacher, built.group.id);

    await scoreControlPoint(app, built, point.id, [
      [0, 45],
      [1, 30],
      [2, 20],
    ]);

    const fresh = averagesOf(await snapshot(teacher, built.group.id));
    expect(fresh.columns[`cp:${point.id}`]).toBe(63.33);
    expect(table.shown()).toEqual(fresh);
    for (const [i, socket] of sockets.entries()) {
      const own = await snapshot(socket, built.group.id);
      expect(averagesOf(own)).toEqual(fresh);
      expect({ student: i, averages: views[i]!.shown() }).toEqual({ student: i, averages: fresh });
    }
  });
});
