import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { isOverlapViolation } from '../../../server/src/modules/schedule/conflicts.js';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { calendarUrl, client, setLessonStatus } from './helpers.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

async function teacherWithGroup(): Promise<{ teacher: BuiltUser; groupId: string; api: ReturnType<typeof client> }> {
  const { teacher, group } = await buildGroup(app, { studentCount: 1 });
  return { teacher, groupId: group.id, api: client(app, teacher.token) };
}

const lessonBody = (groupId: string, startAt: string, minutes = 60, title = 'Grammar') => ({
  groupId,
  title,
  startAt,
  endAt: new Date(new Date(startAt).getTime() + minutes * 60_000).toISOString(),
});

describe('one-off lessons', () => {
  it('creates a lesson that the calendar shows as stored', async () => {
    const { groupId, api } = await teacherWithGroup();
    const res = await api.post('/api/lessons', lessonBody(groupId, '2026-01-20T09:00:00Z'));
    expect(res.status).toBe(201);
    expect(res.body.lesson).toMatchObject({ groupId, title: 'Grammar', status: 'scheduled', startAt: '2026-01-20T09:00:00.000Z', ruleId: null });
    expect(res.body.event).toMatchObject({ id: res.body.lesson.id, stored: true, live: false });
    const calendar = await api.get(calendarUrl('2026-01-19T00:00:00Z', '2026-01-26T00:00:00Z'));
    expect(calendar.body.events.map((e: { id: string }) => e.id)).toEqual([res.body.lesson.id]);
    expect((await api.get(`/api/lessons/${res.body.lesson.id}`)).body.lesson.id).toBe(res.body.lesson.id);
  });

  it('enforces 5 minutes ≤ duration ≤ 6 hours and end after start', async () => {
    const { groupId, api } = await teacherWithGroup();
    for (const minutes of [-30, 0, 4, 361]) {
      const res = await api.post('/api/lessons', lessonBody(groupId, '2026-01-21T09:00:00Z', minutes));
      expect(res.status, `${minutes} min`).toBe(400);
      expect(res.body.error.code).toBe('lesson/invalid-duration');
    }
    expect((await api.post('/api/lessons', lessonBody(groupId, '2026-01-21T09:00:00Z', 360))).status).toBe(201);
    expect((await api.post('/api/lessons', lessonBody(groupId, '2026-01-21T15:00:00Z', 5))).status).toBe(201);
  });

  it('refuses an overlapping lesson, naming the one it clashes with; back-to-back is fine', async () => {
    const { teacher, groupId, api } = await teacherWithGroup();
    const { group: other } = await buildGroup(app, { teacher });
    const first = await api.post('/api/lessons', lessonBody(groupId, '2026-01-22T09:00:00Z', 90, 'Speaking'));
    const clash = await api.post('/api/lessons', lessonBody(other.id, '2026-01-22T10:00:00Z'));
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('schedule/conflict');
    expect(clash.body.error.fields.conflictId).toBe(first.body.lesson.id);
    expect(clash.body.error.message).toContain('Speaking');
    expect((await api.post('/api/lessons', lessonBody(other.id, '2026-01-22T10:30:00Z'))).status).toBe(201);
    expect((await api.post('/api/lessons', lessonBody(other.id, '2026-01-22T08:00:00Z'))).status).toBe(201);
  });

  it('counts rule occurrences as busy time', async () => {
    const { teacher, groupId, api } = await teacherWithGroup();
    const rule = await buildRule(app, teacher, groupId, { title: 'Monday club' }); // Mondays 18:00-19:30 Moscow = 15:00-16:30Z
    const clash = await api.post('/api/lessons', lessonBody(groupId, '2026-01-19T16:00:00Z'));
    expect(clash.status).toBe(409);
    expect(clash.body.error.fields.conflictId).toBe(`rule:${rule.id}:2026-01-19`);
    expect(clash.body.error.message).toContain('Monday club');
    expect((await api.post('/api/lessons', lessonBody(groupId, '2026-01-19T16:30:00Z'))).status).toBe(201);
  });

  it('moves and cancels; a cancelled lesson frees its slot; a move into a clash changes nothing', async () => {
    const { groupId, api } = await teacherWithGroup();
    const a = (await api.post('/api/lessons', lessonBody(groupId, '2026-01-23T09:00:00Z'))).body.lesson;
    const b = (await api.post('/api/lessons', lessonBody(groupId, '2026-01-23T11:00:00Z'))).body.lesson;
    const moved = await api.patch(`/api/lessons/${a.id}`, { startAt: '2026-01-23T08:00:00Z', endAt: '2026-01-23T09:30:00Z', title: 'Moved' });
    expect(moved.status).toBe(200);
    expect(moved.body.lesson).toMatchObject({ title: 'Moved', startAt: '2026-01-23T08:00:00.000Z', endAt: '2026-01-23T09:30:00.000Z' });
    const clash = await api.patch(`/api/lessons/${a.id}`, { startAt: '2026-01-23T11:30:00Z', endAt: '2026-01-23T12:30:00Z' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.fields.conflictId).toBe(b.id);
    expect((await api.get(`/api/lessons/${a.id}`)).body.lesson.startAt).toBe('2026-01-23T08:00:00.000Z');
    const cancelled = await api.delete(`/api/lessons/${b.id}`);
    expect(cancelled.body.lesson.status).toBe('cancelled');
    expect((await api.post('/api/lessons', lessonBody(groupId, '2026-01-23T11:00:00Z'))).status).toBe(201);
    const revive = await api.patch(`/api/lessons/${b.id}`, { status: 'scheduled' });
    expect(revive.status).toBe(409);
    expect((await api.get(`/api/lessons/${b.id}`)).body.lesson.status).toBe('cancelled');
  });

  it('never moves a live or completed lesson', async () => {
    const { groupId, api } = await teacherWithGroup();
    const lesson = (await api.post('/api/lessons', lessonBody(groupId, '2026-01-24T09:00:00Z'))).body.lesson;
    for (const status of ['live', 'completed']) {
      await setLessonStatus(app, lesson.id, status);
      const res = await api.patch(`/api/lessons/${lesson.id}`, { startAt: '2026-01-24T10:00:00Z', endAt: '2026-01-24T11:00:00Z' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('lesson/not-editable');
      expect((await api.delete(`/api/lessons/${lesson.id}`)).status).toBe(409);
    }
  });

  it('keeps the database fence: racing creates on two nodes end in one lesson and clean 409s', async () => {
    const second = await createTestApp({ databaseUrl: app.databaseUrl });
    const { teacher, group } = await buildGroup(app);
    const nodes = [client(app, teacher.token), client(second, teacher.token)];
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => nodes[i % 2].post('/api/lessons', lessonBody(group.id, '2026-01-25T09:00:00Z', 60 + i))),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('schedule/conflict');
    // Past every check, the exclusion constraint itself refuses an overlap, recognisably.
    const sneaky = { id: randomUUID(), groupId: group.id, teacherId: teacher.user.id, title: 'Sneaky', status: 'scheduled' as const, ruleId: null, occurrenceDate: null };
    const error = await app.ctx.services.schedule.repo
      .insertLesson({ ...sneaky, startAt: new Date('2026-01-25T09:30:00Z'), endAt: new Date('2026-01-25T10:00:00Z') })
      .catch((e: unknown) => e);
    expect(isOverlapViolation(error)).toBe(true);
  });
});

describe('occurrences', () => {
  it('materialises an edited occurrence; the rule stays and the calendar shows the stored lesson instead', async () => {
    const { teacher, groupId, api } = await teacherWithGroup();
    const rule = await buildRule(app, teacher, groupId);
    const occurrence = `rule:${rule.id}:2026-01-26`;
    const edited = await api.patch(`/api/lessons/${occurrence}`, { startAt: '2026-01-26T16:00:00Z', endAt: '2026-01-26T17:30:00Z' });
    expect(edited.status).toBe(200);
    expect(edited.body.lesson).toMatchObject({ ruleId: rule.id, occurrenceDate: '2026-01-26', startAt: '2026-01-26T16:00:00.000Z' });
    const week = await api.get(calendarUrl('2026-01-26T00:00:00Z', '2026-02-03T00:00:00Z'));
    const ids = week.body.events.map((e: { id: string }) => e.id);
    expect(ids).toEqual([edited.body.lesson.id, `rule:${rule.id}:2026-02-02`]);
    // The same occurrence id now resolves to the stored lesson; editing again does not duplicate it.
    const again = await api.patch(`/api/lessons/${occurrence}`, { title: 'Renamed once' });
    expect(again.body.lesson.id).toBe(edited.body.lesson.id);
    expect((await api.get(`/api/recurring-lessons/${rule.id}`)).body.rule.endDate).toBe('2026-05-31');
  });

  it('cancels a single occurrence', async () => {
    const { teacher, groupId, api } = await teacherWithGroup();
    const rule = await buildRule(app, teacher, groupId, { dayOfWeek: 2 });
    const res = await api.delete(`/api/lessons/rule:${rule.id}:2026-01-27`);
    expect(res.status).toBe(200);
    expect(res.body.lesson).toMatchObject({ status: 'cancelled', occurrenceDate: '2026-01-27' });
    const events = (await api.get(calendarUrl('2026-01-26T00:00:00Z', '2026-02-04T00:00:00Z'))).body.events;
    expect(events.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
      [res.body.lesson.id, 'cancelled'],
      [`rule:${rule.id}:2026-02-03`, 'scheduled'],
    ]);
    // The freed slot takes a one-off lesson.
    expect((await api.post('/api/lessons', lessonBody(groupId, '2026-01-27T15:00:00Z'))).status).toBe(201);
  });

  it('refuses ids that are no occurrence of the rule', async () => {
    const { teacher, groupId, api } = await teacherWithGroup();
    const rule = await buildRule(app, teacher, groupId, { weekType: 'UPPER' });
    expect((await api.patch(`/api/lessons/rule:${rule.id}:2026-01-20`, { title: 'x' })).status).toBe(404); // a Tuesday
    expect((await api.patch(`/api/lessons/rule:${rule.id}:2026-01-12`, { title: 'x' })).status).toBe(404); // a LOWER week
    expect((await api.patch(`/api/lessons/rule:${rule.id}:2026-06-01`, { title: 'x' })).status).toBe(404); // after the end
    expect((await api.patch(`/api/lessons/rule:${rule.id}:2026-01-19`, { title: 'x' })).status).toBe(200);
  });
});

describe('the contract for the pool', () => {
  it('materialises events idempotently and only for their teacher', async () => {
    const { teacher, groupId } = await teacherWithGroup();
    const stranger = await buildTeacher(app);
    const rule = await buildRule(app, teacher, groupId);
    const { schedule } = app.ctx.services;
    const actor = { userId: teacher.user.id, role: 'teacher' as const };
    const eventId = `rule:${rule.id}:2026-02-09`;
    const rows = await Promise.all([schedule.materializeEvent(actor, eventId), schedule.materializeEvent(actor, eventId), schedule.materializeEvent(actor, eventId)]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    expect(rows[0]).toMatchObject({ groupId, teacherId: teacher.user.id, title: 'Weekly', status: 'scheduled', joinUrl: null, meetingId: null });
    expect(rows[0].startAt.toISOString()).toBe('2026-02-09T15:00:00.000Z');
    expect((await schedule.materializeEvent(actor, rows[0].id)).id).toBe(rows[0].id);
    expect((await schedule.findLesson(rows[0].id))?.groupName).toBeTruthy();
    expect(await schedule.findLesson('00000000-0000-4000-8000-000000000000')).toBeNull();
    await expect(schedule.materializeEvent({ userId: stranger.user.id, role: 'teacher' }, eventId)).rejects.toMatchObject({ code: 'auth/forbidden' });
    await expect(schedule.materializeEvent({ userId: stranger.user.id, role: 'teacher' }, rows[0].id)).rejects.toMatchObject({ code: 'auth/forbidden' });
    await expect(schedule.materializeEvent(actor, `rule:${rule.id}:2026-02-10`)).rejects.toMatchObject({ code: 'lesson/not-found' });
    await expect(schedule.materializeEvent(actor, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'lesson/not-found' });
  });

  it('lists scheduled intervals of all teachers, stored and expanded, without cancelled ones', async () => {
    const { teacher, groupId } = await teacherWithGroup();
    const rule = await buildRule(app, teacher, groupId, { dayOfWeek: 3, startDate: '2026-03-01', endDate: '2026-03-31' });
    const lesson = await buildLesson(app, teacher, groupId, '2026-03-02T07:00:00Z');
    const cancelled = await buildLesson(app, teacher, groupId, '2026-03-02T09:00:00Z');
    await app.ctx.services.schedule.cancelLesson({ userId: teacher.user.id, role: 'teacher' }, cancelled.lesson.id);
    const intervals = await app.ctx.services.schedule.scheduledIntervals(new Date('2026-03-02T00:00:00Z'), new Date('2026-03-09T00:00:00Z'));
    const mine = intervals.filter((i) => i.teacherId === teacher.user.id);
    expect(mine.map((i) => i.lessonId)).toEqual([lesson.lesson.id, `rule:${rule.id}:2026-03-04`]);
    expect(mine[1].startAt.toISOString()).toBe('2026-03-04T15:00:00.000Z');
  });
});
