import { beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { CalendarChangedPayload } from '@tp/shared';
import { createTestApp, nextEvent, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildRule } from '../../factories/schedule.js';
import { client } from './helpers.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp(); // clock: 2026-01-15T10:00Z
});

async function connect(target: TestApp, user: BuiltUser): Promise<Socket> {
  const socket = target.socket(user.token);
  await nextEvent(socket, 'session:ready');
  return socket;
}

/** Collects every calendar:changed a socket receives. */
function record(socket: Socket): CalendarChangedPayload[] {
  const seen: CalendarChangedPayload[] = [];
  socket.on('calendar:changed', (payload: CalendarChangedPayload) => seen.push(payload));
  return seen;
}

async function quiet(ms = 300): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

const lessonBody = (groupId: string, startAt: string) => ({
  groupId,
  title: 'Live lesson',
  startAt,
  endAt: new Date(new Date(startAt).getTime() + 3_600_000).toISOString(),
});

describe('calendar:changed', () => {
  it('brings a teacher’s new and moved lesson to a student’s socket, and not to outsiders', async () => {
    const student = await buildStudent(app);
    const outsider = await buildStudent(app);
    const { teacher, group } = await buildGroup(app, { students: [student] });
    const studentSocket = await connect(app, student);
    const teacherSocket = await connect(app, teacher);
    const outsiderSeen = record(await connect(app, outsider));

    const arriving = nextEvent<CalendarChangedPayload>(studentSocket, 'calendar:changed');
    const teacherArriving = nextEvent<CalendarChangedPayload>(teacherSocket, 'calendar:changed');
    const created = await client(app, teacher.token).post('/api/lessons', lessonBody(group.id, '2026-01-20T09:00:00Z'));
    const pushed = await arriving;
    expect(pushed.events).toEqual([created.body.event]);
    expect(pushed.removedIds).toEqual([]);
    expect(pushed.meta?.room).toBe(`group:${group.id}`);
    expect((await teacherArriving).events[0].id).toBe(created.body.lesson.id);

    const moving = nextEvent<CalendarChangedPayload>(studentSocket, 'calendar:changed');
    await client(app, teacher.token).patch(`/api/lessons/${created.body.lesson.id}`, { startAt: '2026-01-20T11:00:00Z', endAt: '2026-01-20T12:00:00Z' });
    expect((await moving).events[0]).toMatchObject({ id: created.body.lesson.id, startAt: '2026-01-20T11:00:00.000Z' });
    await quiet();
    expect(outsiderSeen).toEqual([]);
  });

  it('keeps an admin’s calendar (everyone’s lessons) live too', async () => {
    const admin = await buildAdmin(app);
    const { teacher, group } = await buildGroup(app);
    const adminSocket = await connect(app, admin);
    const arriving = nextEvent<CalendarChangedPayload>(adminSocket, 'calendar:changed');
    const created = await client(app, teacher.token).post('/api/lessons', lessonBody(group.id, '2026-01-21T09:00:00Z'));
    const pushed = await arriving;
    expect(pushed.events).toEqual([created.body.event]);
    expect(pushed.meta?.room).toBe('role:admin');
    adminSocket.disconnect();
  });

  it('pushes rule occurrences, occurrence edits and splits', async () => {
    const student = await buildStudent(app);
    const { teacher, group } = await buildGroup(app, { students: [student] });
    const seen = record(await connect(app, student));
    const rule = await buildRule(app, teacher, group.id, { startDate: '2026-01-01', endDate: '2026-04-30' });
    await expect.poll(() => seen.length).toBe(1);
    // The window covers two weeks back and eight ahead of 2026-01-15.
    expect(seen[0].events.map((e) => e.id)).toEqual(
      ['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26', '2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23', '2026-03-02', '2026-03-09'].map((d) => `rule:${rule.id}:${d}`),
    );

    const edited = await client(app, teacher.token).patch(`/api/lessons/rule:${rule.id}:2026-01-19`, { title: 'Special' });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1]).toMatchObject({ events: [{ id: edited.body.lesson.id, title: 'Special' }], removedIds: [`rule:${rule.id}:2026-01-19`] });

    const split = await client(app, teacher.token).patch(`/api/recurring-lessons/${rule.id}`, { fromDate: '2026-02-20', startTime: '19:00', endTime: '20:00' });
    await expect.poll(() => seen.length).toBe(3);
    const next = split.body.rule.id;
    expect(seen[2].removedIds).toEqual([`rule:${rule.id}:2026-02-23`, `rule:${rule.id}:2026-03-02`, `rule:${rule.id}:2026-03-09`]);
    expect(seen[2].events.filter((e) => e.ruleId === next).map((e) => [e.id, e.startAt])).toEqual([
      [`rule:${next}:2026-02-23`, '2026-02-23T16:00:00.000Z'],
      [`rule:${next}:2026-03-02`, '2026-03-02T16:00:00.000Z'],
      [`rule:${next}:2026-03-09`, '2026-03-09T16:00:00.000Z'],
    ]);

    await client(app, teacher.token).delete(`/api/recurring-lessons/${next}`);
    await expect.poll(() => seen.length).toBe(4);
    expect(seen[3].removedIds).toHaveLength(3);
  });

  it('follows membership: a student added later gets the group’s events and its pushes; a removed one loses them', async () => {
    const student = await buildStudent(app);
    const { teacher, group } = await buildGroup(app);
    const rule = await buildRule(app, teacher, group.id, { dayOfWeek: 4, startDate: '2026-01-01', endDate: '2026-01-31' });
    const socket = await connect(app, student);
    const seen = record(socket);
    const api = client(app, teacher.token);

    await api.post(`/api/groups/${group.id}/students`, { email: student.user.email });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0].events.map((e) => e.id)).toEqual(['2026-01-01', '2026-01-08', '2026-01-15', '2026-01-22', '2026-01-29'].map((d) => `rule:${rule.id}:${d}`));

    const created = await api.post('/api/lessons', lessonBody(group.id, '2026-01-20T09:00:00Z'));
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1].events[0].id).toBe(created.body.lesson.id);

    await api.delete(`/api/groups/${group.id}/students/${student.user.id}`);
    await expect.poll(() => seen.length).toBe(3);
    expect(seen[2].events).toEqual([]);
    expect(seen[2].removedIds).toContain(created.body.lesson.id);
    expect(seen[2].removedIds).toContain(`rule:${rule.id}:2026-01-22`);

    await api.post('/api/lessons', lessonBody(group.id, '2026-01-21T09:00:00Z'));
    await quiet();
    expect(seen).toHaveLength(3);
  });

  it('tells students of an archived group that its events are gone', async () => {
    const student = await buildStudent(app);
    const { teacher, group } = await buildGroup(app, { students: [student] });
    const rule = await buildRule(app, teacher, group.id, { dayOfWeek: 2, startDate: '2026-01-01', endDate: '2026-01-31' });
    const seen = record(await connect(app, student));
    await client(app, teacher.token).patch(`/api/groups/${group.id}`, { archived: true });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0].removedIds).toEqual(['2026-01-06', '2026-01-13', '2026-01-20', '2026-01-27'].map((d) => `rule:${rule.id}:${d}`));
  });

  it('pushes a renamed group’s events and a lesson the pool changed', async () => {
    const student = await buildStudent(app);
    const { teacher, group } = await buildGroup(app, { students: [student] });
    const created = await client(app, teacher.token).post('/api/lessons', lessonBody(group.id, '2026-01-16T09:00:00Z'));
    const seen = record(await connect(app, student));
    await client(app, teacher.token).patch(`/api/groups/${group.id}`, { name: 'Renamed group' });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0].events).toEqual([expect.objectContaining({ id: created.body.lesson.id, groupName: 'Renamed group' })]);
    await app.infra.orm.em.fork().getConnection().execute(`update lessons set status = 'live', meeting_id = 'm-1', join_url = 'https://join.example/1' where id = ?`, [created.body.lesson.id]);
    await app.ctx.services.schedule.notifyLessonChanged(created.body.lesson.id);
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1].events[0]).toMatchObject({ id: created.body.lesson.id, status: 'live', live: true });
    expect(JSON.stringify(seen[1])).not.toContain('join.example');
  });

  it('reaches a student connected to another node through Redis', async () => {
    const nodeA = await createTestApp({ redis: true });
    const nodeB = await createTestApp({ redis: true, databaseUrl: nodeA.databaseUrl });
    const student = await buildStudent(nodeA);
    const teacher = await buildTeacher(nodeA);
    const { group } = await buildGroup(nodeA, { teacher });
    const socket = await connect(nodeB, student);
    const seen = record(socket);
    await client(nodeA, teacher.token).post(`/api/groups/${group.id}/students`, { email: student.user.email });
    const created = await client(nodeA, teacher.token).post('/api/lessons', lessonBody(group.id, '2026-01-22T09:00:00Z'));
    await expect.poll(() => seen.flatMap((p) => p.events.map((e) => e.id))).toContain(created.body.lesson.id);
  });
});
