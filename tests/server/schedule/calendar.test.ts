import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { calendarUrl, client, countQueries } from './helpers.js';

let app: TestApp;
let teacherA: BuiltUser;
let teacherB: BuiltUser;
let both: BuiltUser;
let onlyA: BuiltUser;
let admin: BuiltUser;
const ids: Record<string, string> = {};

const WEEK = ['2026-01-19T00:00:00Z', '2026-01-26T00:00:00Z'] as const;
const idsOf = (res: { body: { events: Array<{ id: string }> } }) => res.body.events.map((e) => e.id);

beforeAll(async () => {
  app = await createTestApp();
  [teacherA, teacherB, both, onlyA, admin] = await Promise.all([buildTeacher(app), buildTeacher(app), buildStudent(app), buildStudent(app), buildAdmin(app)]);
  const english = await buildGroup(app, { teacher: teacherA, name: 'English', students: [both, onlyA] });
  const german = await buildGroup(app, { teacher: teacherB, name: 'German', students: [both] });
  const archived = await buildGroup(app, { teacher: teacherA, name: 'Old', students: [both] });
  ids.english = english.group.id;
  ids.german = german.group.id;
  ids.englishLesson = (await buildLesson(app, teacherA, english.group.id, '2026-01-20T09:00:00Z')).lesson.id;
  ids.englishRule = (await buildRule(app, teacherA, english.group.id, { dayOfWeek: 3 })).id; // Wed 15:00Z
  // Back to back with English on the same day is normal for a student in two groups.
  ids.germanLesson = (await buildLesson(app, teacherB, german.group.id, '2026-01-20T10:00:00Z')).lesson.id;
  ids.germanRule = (await buildRule(app, teacherB, german.group.id, { dayOfWeek: 5, weekType: 'UPPER' })).id; // Fri 15:00Z
  ids.oldLesson = (await buildLesson(app, teacherA, archived.group.id, '2026-01-21T09:00:00Z')).lesson.id;
  ids.oldRule = (await buildRule(app, teacherA, archived.group.id, { dayOfWeek: 4 })).id;
  await app.ctx.services.groups.update({ userId: teacherA.user.id, role: 'teacher' }, archived.group.id, { archived: true });
});

describe('calendar visibility', () => {
  it('shows a teacher their own lessons, including archived groups’ stored history', async () => {
    const res = await client(app, teacherA.token).get(calendarUrl(...WEEK));
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual([ids.englishLesson, ids.oldLesson, `rule:${ids.englishRule}:2026-01-21`]);
    expect(res.body.events[0]).toMatchObject({ groupId: ids.english, groupName: 'English', teacherId: teacherA.user.id, stored: true });
  });

  it('shows a student the lessons of their groups, across teachers, never archived groups', async () => {
    const res = await client(app, both.token).get(calendarUrl(...WEEK));
    expect(idsOf(res)).toEqual([ids.englishLesson, ids.germanLesson, `rule:${ids.englishRule}:2026-01-21`, `rule:${ids.germanRule}:2026-01-23`]);
    const single = await client(app, onlyA.token).get(calendarUrl(...WEEK));
    expect(idsOf(single)).toEqual([ids.englishLesson, `rule:${ids.englishRule}:2026-01-21`]);
    const filtered = await client(app, both.token).get(calendarUrl(...WEEK, `&groupId=${ids.german}`));
    expect(idsOf(filtered)).toEqual([ids.germanLesson, `rule:${ids.germanRule}:2026-01-23`]);
  });

  it('shows admins everyone, filtered by teacher or group', async () => {
    const all = await client(app, admin.token).get(calendarUrl(...WEEK));
    expect(idsOf(all)).toEqual(expect.arrayContaining([ids.englishLesson, ids.germanLesson, ids.oldLesson]));
    const byTeacher = await client(app, admin.token).get(calendarUrl(...WEEK, `&teacherId=${teacherB.user.id}`));
    expect(idsOf(byTeacher)).toEqual([ids.germanLesson, `rule:${ids.germanRule}:2026-01-23`]);
    const byGroup = await client(app, admin.token).get(calendarUrl(...WEEK, `&groupId=${ids.english}`));
    expect(idsOf(byGroup)).toEqual([ids.englishLesson, `rule:${ids.englishRule}:2026-01-21`]);
  });

  it('keeps teachers to their own calendar', async () => {
    const res = await client(app, teacherA.token).get(calendarUrl(...WEEK, `&teacherId=${teacherB.user.id}`));
    expect(res.status).toBe(403);
    const foreignGroup = await client(app, teacherA.token).get(calendarUrl(...WEEK, `&groupId=${ids.german}`));
    expect(idsOf(foreignGroup)).toEqual([]);
  });

  it('answers a single event by id to those who may see it', async () => {
    const occurrence = `rule:${ids.germanRule}:2026-01-23`;
    const seen = await client(app, both.token).get(`/api/lessons/${occurrence}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ lesson: null, event: { id: occurrence, stored: false, weekType: 'UPPER' } });
    expect((await client(app, onlyA.token).get(`/api/lessons/${occurrence}`)).status).toBe(404);
    expect((await client(app, onlyA.token).get(`/api/lessons/${ids.germanLesson}`)).status).toBe(404);
    expect((await client(app, both.token).get(`/api/lessons/${ids.oldLesson}`)).status).toBe(404);
    expect((await client(app, admin.token).get(`/api/lessons/${ids.oldLesson}`)).status).toBe(200);
  });
});

describe('calendar ranges', () => {
  it('accepts up to 366 days and refuses reversed, empty, longer or malformed ranges', async () => {
    const api = client(app, teacherA.token);
    expect((await api.get(calendarUrl('2026-01-01T00:00:00Z', '2027-01-02T00:00:00Z'))).status).toBe(200);
    const tooLong = await api.get(calendarUrl('2026-01-01T00:00:00Z', '2027-01-02T00:00:01Z'));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('schedule/range-too-large');
    const reversed = await api.get(calendarUrl('2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z'));
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.code).toBe('request/invalid');
    expect((await api.get(calendarUrl('2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z'))).status).toBe(400);
    for (const [from, to] of [
      ['2026-02-30T00:00:00Z', '2026-03-01T00:00:00Z'],
      ['yesterday', '2026-03-01T00:00:00Z'],
      ['2026-02-01', '2026-03-01'],
    ]) {
      expect((await api.get(calendarUrl(from, to))).status, from).toBe(400);
    }
    expect((await api.get('/api/calendar?from=2026-01-01T00:00:00Z')).status).toBe(400);
    expect((await api.get(`${calendarUrl(...WEEK)}&debug=1`)).status).toBe(400);
  });

  it('reads with a constant number of queries whatever the number of rules and lessons', async () => {
    const teacher = await buildTeacher(app);
    const { group } = await buildGroup(app, { teacher });
    const api = client(app, teacher.token);
    const measure = async () => (await countQueries(app, () => api.get(calendarUrl('2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')))).queries;
    await buildRule(app, teacher, group.id, { dayOfWeek: 1, startTime: '08:00', endTime: '08:30' });
    const few = await measure();
    for (let i = 0; i < 12; i++) {
      await buildRule(app, teacher, group.id, { dayOfWeek: (i % 6) + 1, startTime: `${String(9 + Math.floor(i / 6)).padStart(2, '0')}:00`, endTime: `${String(9 + Math.floor(i / 6)).padStart(2, '0')}:45` });
      await buildLesson(app, teacher, group.id, `2026-01-${String(10 + i).padStart(2, '0')}T03:00:00Z`);
    }
    await app.ctx.services.schedule.materializeEvent({ userId: teacher.user.id, role: 'teacher' }, `rule:${(await app.ctx.services.recurringRules.list({ userId: teacher.user.id, role: 'teacher' }))[0].id}:2026-02-02`);
    const many = await measure();
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(2);
  });
});
