import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import type { BuiltUser } from '../../factories/users.js';
import { calendarUrl, client } from './helpers.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp(); // the clock reads 2026-01-15T10:00Z, a Thursday in a LOWER week
});

async function setup(): Promise<{ teacher: BuiltUser; groupId: string; api: ReturnType<typeof client> }> {
  const { teacher, group } = await buildGroup(app, { studentCount: 1 });
  return { teacher, groupId: group.id, api: client(app, teacher.token) };
}

const ruleBody = (groupId: string, overrides: object = {}) => ({
  groupId,
  title: 'Conversation',
  dayOfWeek: 1,
  weekType: 'ALL',
  startTime: '10:00',
  endTime: '11:00',
  timezone: 'Europe/Moscow',
  startDate: '2026-01-01',
  endDate: '2026-05-31',
  ...overrides,
});

type Event = { id: string; startAt: string; title: string; status: string; ruleId: string | null };
const eventsOf = async (api: ReturnType<typeof client>, from: string, to: string): Promise<Event[]> => (await api.get(calendarUrl(from, to))).body.events;

describe('recurring rules', () => {
  it('creates, reads and lists rules; the calendar expands them with their week type', async () => {
    const { groupId, api } = await setup();
    const created = await api.post('/api/recurring-lessons', ruleBody(groupId, { weekType: 'UPPER' }));
    expect(created.status).toBe(201);
    expect(created.body.rule).toMatchObject({ groupId, dayOfWeek: 1, weekType: 'UPPER', startTime: '10:00', startDate: '2026-01-01' });
    expect((await api.get(`/api/recurring-lessons/${created.body.rule.id}`)).body.rule).toEqual(created.body.rule);
    expect((await api.get('/api/recurring-lessons')).body.rules).toEqual([created.body.rule]);
    const events = (await api.get(calendarUrl('2026-01-12T00:00:00Z', '2026-02-09T00:00:00Z'))).body.events;
    expect(events.map((e: { id: string }) => e.id)).toEqual([`rule:${created.body.rule.id}:2026-01-19`, `rule:${created.body.rule.id}:2026-02-02`]);
    expect(events[0]).toMatchObject({ startAt: '2026-01-19T07:00:00.000Z', endAt: '2026-01-19T08:00:00.000Z', stored: false, weekType: 'UPPER', status: 'scheduled' });
  });

  it('lets UPPER and LOWER rules share a slot but not an ALL rule', async () => {
    const { groupId, api } = await setup();
    const upper = await api.post('/api/recurring-lessons', ruleBody(groupId, { weekType: 'UPPER' }));
    expect((await api.post('/api/recurring-lessons', ruleBody(groupId, { weekType: 'LOWER' }))).status).toBe(201);
    const all = await api.post('/api/recurring-lessons', ruleBody(groupId, { startTime: '10:30', endTime: '11:30' }));
    expect(all.status).toBe(409);
    expect(all.body.error.code).toBe('schedule/conflict');
    expect(all.body.error.fields.conflictId).toMatch(new RegExp(`^rule:[0-9a-f-]{36}:2026-01-(05|12)$`));
    // A change of an existing rule is checked as well, and a refused change leaves the rule as it was.
    const change = await api.patch(`/api/recurring-lessons/${upper.body.rule.id}`, { weekType: 'ALL' });
    expect(change.status).toBe(409);
    expect((await api.get(`/api/recurring-lessons/${upper.body.rule.id}`)).body.rule.weekType).toBe('UPPER');
  });

  it('refuses a rule that runs into a one-off lesson', async () => {
    const { teacher, groupId, api } = await setup();
    const lesson = await buildLesson(app, teacher, groupId, '2026-02-04T09:00:00Z', 60, 'Exam'); // Wed 12:00 Moscow
    const res = await api.post('/api/recurring-lessons', ruleBody(groupId, { dayOfWeek: 3, startTime: '12:30', endTime: '13:30' }));
    expect(res.status).toBe(409);
    expect(res.body.error.fields.conflictId).toBe(lesson.lesson.id);
    expect(res.body.error.message).toContain('Exam');
    expect((await api.get('/api/recurring-lessons')).body.rules).toEqual([]);
  });

  it('changes the whole series in place', async () => {
    const { groupId, api } = await setup();
    const rule = (await api.post('/api/recurring-lessons', ruleBody(groupId))).body.rule;
    const res = await api.patch(`/api/recurring-lessons/${rule.id}`, { title: 'Renamed', weekType: 'LOWER', startTime: '09:00', endTime: '09:45' });
    expect(res.status).toBe(200);
    expect(res.body.rule).toMatchObject({ id: rule.id, title: 'Renamed', weekType: 'LOWER', startTime: '09:00' });
    expect(res.body.previous).toBeNull();
    const events = await eventsOf(api, '2026-01-12T00:00:00Z', '2026-02-09T00:00:00Z');
    expect(events.map((e) => [e.id, e.startAt, e.title])).toEqual([
      [`rule:${rule.id}:2026-01-12`, '2026-01-12T06:00:00.000Z', 'Renamed'],
      [`rule:${rule.id}:2026-01-26`, '2026-01-26T06:00:00.000Z', 'Renamed'],
    ]);
  });

  it('splits a rule from a date on, keeping stored occurrences without duplicates', async () => {
    const { groupId, api } = await setup();
    const rule = (await api.post('/api/recurring-lessons', ruleBody(groupId))).body.rule;
    const early = (await api.patch(`/api/lessons/rule:${rule.id}:2026-01-19`, { title: 'Edited early' })).body.lesson;
    const late = (await api.delete(`/api/lessons/rule:${rule.id}:2026-02-16`)).body.lesson;
    const res = await api.patch(`/api/recurring-lessons/${rule.id}`, { fromDate: '2026-02-01', startTime: '12:00', endTime: '13:00' });
    expect(res.status).toBe(200);
    expect(res.body.previous).toMatchObject({ id: rule.id, endDate: '2026-01-31', startTime: '10:00' });
    expect(res.body.rule).toMatchObject({ startDate: '2026-02-01', endDate: '2026-05-31', startTime: '12:00' });
    const next = res.body.rule.id;
    expect(next).not.toBe(rule.id);
    const events = await eventsOf(api, '2026-01-19T00:00:00Z', '2026-02-23T00:00:00Z');
    expect(events.map((e) => [e.id, e.startAt, e.status])).toEqual([
      [early.id, '2026-01-19T07:00:00.000Z', 'scheduled'],
      [`rule:${rule.id}:2026-01-26`, '2026-01-26T07:00:00.000Z', 'scheduled'],
      [`rule:${next}:2026-02-02`, '2026-02-02T09:00:00.000Z', 'scheduled'],
      [`rule:${next}:2026-02-09`, '2026-02-09T09:00:00.000Z', 'scheduled'],
      [late.id, '2026-02-16T07:00:00.000Z', 'cancelled'],
    ]);
    expect((await api.get(`/api/lessons/${late.id}`)).body.lesson.ruleId).toBe(next);
    expect((await api.get(`/api/lessons/${early.id}`)).body.lesson.ruleId).toBe(rule.id);
  });

  it('deletes future occurrences from a date; stored past lessons stay, stored future ones are cancelled', async () => {
    const { groupId, api } = await setup();
    const rule = (await api.post('/api/recurring-lessons', ruleBody(groupId))).body.rule;
    const past = (await api.patch(`/api/lessons/rule:${rule.id}:2026-01-05`, { title: 'Happened' })).body.lesson;
    const future = (await api.patch(`/api/lessons/rule:${rule.id}:2026-03-09`, { title: 'Planned' })).body.lesson;
    expect((await api.delete(`/api/recurring-lessons/${rule.id}?fromDate=2026-03-02`)).status).toBe(204);
    expect((await api.get(`/api/recurring-lessons/${rule.id}`)).body.rule.endDate).toBe('2026-03-01');
    expect((await api.get(`/api/lessons/${past.id}`)).body.lesson.status).toBe('scheduled');
    expect((await api.get(`/api/lessons/${future.id}`)).body.lesson.status).toBe('cancelled');
    const march = await eventsOf(api, '2026-02-23T00:00:00Z', '2026-03-31T00:00:00Z');
    expect(march.map((e) => e.id)).toEqual([`rule:${rule.id}:2026-02-23`, future.id]);
  });

  it('cuts a running rule to yesterday and deletes one that never occurred', async () => {
    const { groupId, api } = await setup();
    const running = (await api.post('/api/recurring-lessons', ruleBody(groupId))).body.rule;
    const upcoming = (await api.post('/api/recurring-lessons', ruleBody(groupId, { dayOfWeek: 5, startDate: '2026-02-01' }))).body.rule;
    expect((await api.delete(`/api/recurring-lessons/${running.id}`)).status).toBe(204);
    expect((await api.get(`/api/recurring-lessons/${running.id}`)).body.rule.endDate).toBe('2026-01-14');
    expect((await api.delete(`/api/recurring-lessons/${upcoming.id}`)).status).toBe(204);
    expect((await api.get(`/api/recurring-lessons/${upcoming.id}`)).status).toBe(404);
    expect(await eventsOf(api, '2026-01-15T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual([]);
    expect((await eventsOf(api, '2026-01-01T00:00:00Z', '2026-01-15T00:00:00Z')).map((e) => e.id)).toEqual([
      `rule:${running.id}:2026-01-05`,
      `rule:${running.id}:2026-01-12`,
    ]);
  });

  it('validates rule shape: duration, dates, occurrences', async () => {
    const { groupId, api } = await setup();
    const cases: Array<[object, string]> = [
      [{ startTime: '10:00', endTime: '10:04' }, 'lesson/invalid-duration'],
      [{ startTime: '08:00', endTime: '14:01' }, 'lesson/invalid-duration'],
      [{ startTime: '11:00', endTime: '10:00' }, 'lesson/invalid-duration'],
      [{ startDate: '2026-03-01', endDate: '2026-02-01' }, 'request/invalid'],
      [{ startDate: '2026-01-01', endDate: '2029-01-01' }, 'request/invalid'],
      [{ dayOfWeek: 1, startDate: '2026-01-06', endDate: '2026-01-10' }, 'request/invalid'],
    ];
    for (const [overrides, code] of cases) {
      const res = await api.post('/api/recurring-lessons', ruleBody(groupId, overrides));
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    const rule = await buildRule(app, (await buildGroup(app)).teacher, (await buildGroup(app)).group.id).catch((e) => e);
    expect(rule.code).toBe('group/not-found');
    expect((await api.get('/api/recurring-lessons')).body.rules).toEqual([]);
  });
});
