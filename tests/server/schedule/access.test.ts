import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { calendarUrl, client } from './helpers.js';

let app: TestApp;
let owner: BuiltUser;
let stranger: BuiltUser;
let member: BuiltUser;
let admin: BuiltUser;
let groupId: string;
let strangerGroupId: string;
let lessonId: string;
let ruleId: string;

const RANGE = calendarUrl('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z');

beforeAll(async () => {
  app = await createTestApp();
  [owner, stranger, member, admin] = await Promise.all([buildTeacher(app), buildTeacher(app), buildStudent(app), buildAdmin(app)]);
  groupId = (await buildGroup(app, { teacher: owner, students: [member], name: 'Owner group' })).group.id;
  strangerGroupId = (await buildGroup(app, { teacher: stranger })).group.id;
  lessonId = (await buildLesson(app, owner, groupId, '2026-01-20T09:00:00Z')).lesson.id;
  ruleId = (await buildRule(app, owner, groupId)).id;
});

/** Everything the owner sees, to prove that refused calls changed nothing. */
async function snapshot() {
  const api = client(app, owner.token);
  return {
    group: (await api.get(`/api/groups/${groupId}`)).body,
    calendar: (await api.get(RANGE)).body,
    rules: (await api.get('/api/recurring-lessons')).body,
  };
}

const lessonBody = () => ({ groupId, title: 'Intruder', startAt: '2026-01-21T09:00:00Z', endAt: '2026-01-21T10:00:00Z' });
const ruleBody = () => ({ groupId, title: 'Intruder', dayOfWeek: 2, weekType: 'ALL', startTime: '08:00', endTime: '09:00', timezone: 'Europe/Moscow', startDate: '2026-01-01', endDate: '2026-02-28' });

type Call = [string, (api: ReturnType<typeof client>) => ReturnType<ReturnType<typeof client>['get']>];
const reads = (): Call[] => [
  ['read group', (api) => api.get(`/api/groups/${groupId}`)],
  ['read lesson', (api) => api.get(`/api/lessons/${lessonId}`)],
  ['read occurrence', (api) => api.get(`/api/lessons/rule:${ruleId}:2026-01-26`)],
  ['read rule', (api) => api.get(`/api/recurring-lessons/${ruleId}`)],
];
const writes = (): Call[] => [
  ['rename group', (api) => api.patch(`/api/groups/${groupId}`, { name: 'Taken' })],
  ['add student', (api) => api.post(`/api/groups/${groupId}/students`, { email: member.user.email })],
  ['remove student', (api) => api.delete(`/api/groups/${groupId}/students/${member.user.id}`)],
  ['new invite code', (api) => api.post(`/api/groups/${groupId}/invite-code`)],
  ['create lesson in group', (api) => api.post('/api/lessons', lessonBody())],
  ['move lesson', (api) => api.patch(`/api/lessons/${lessonId}`, { startAt: '2026-01-22T09:00:00Z', endAt: '2026-01-22T10:00:00Z' })],
  ['cancel lesson', (api) => api.delete(`/api/lessons/${lessonId}`)],
  ['edit occurrence', (api) => api.patch(`/api/lessons/rule:${ruleId}:2026-01-26`, { title: 'Taken' })],
  ['cancel occurrence', (api) => api.delete(`/api/lessons/rule:${ruleId}:2026-01-26`)],
  ['create rule in group', (api) => api.post('/api/recurring-lessons', ruleBody())],
  ['change rule', (api) => api.patch(`/api/recurring-lessons/${ruleId}`, { title: 'Taken' })],
  ['split rule', (api) => api.patch(`/api/recurring-lessons/${ruleId}`, { title: 'Taken', fromDate: '2026-02-01' })],
  ['delete rule', (api) => api.delete(`/api/recurring-lessons/${ruleId}?fromDate=2026-02-01`)],
];

describe('authorisation', () => {
  it('hides one teacher’s groups, lessons and rules from another (404) and changes nothing', async () => {
    const before = await snapshot();
    const api = client(app, stranger.token);
    for (const [name, call] of [...reads(), ...writes()]) expect((await call(api)).status, name).toBe(404);
    expect(await snapshot()).toEqual(before);
    expect(((await api.get(RANGE)).body.events as unknown[]).length).toBe(0);
  });

  it('lets members read but never write (403)', async () => {
    const before = await snapshot();
    const api = client(app, member.token);
    for (const [name, call] of reads()) expect((await call(api)).status, name).toBe(200);
    for (const [name, call] of writes()) expect((await call(api)).status, name).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('lets admins read everything but not schedule for a teacher (403)', async () => {
    const before = await snapshot();
    const api = client(app, admin.token);
    for (const [name, call] of reads()) expect((await call(api)).status, name).toBe(200);
    for (const [name, call] of writes()) expect((await call(api)).status, name).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('hides everything from students outside the group and from anonymous callers', async () => {
    const outsider = client(app, (await buildStudent(app)).token);
    for (const [name, call] of reads()) expect((await call(outsider)).status, name).toBe(404);
    expect(((await outsider.get(RANGE)).body.events as unknown[]).length).toBe(0);
    for (const url of ['/api/lessons/' + lessonId, '/api/recurring-lessons', RANGE]) {
      expect((await client(app, 'not-a-token').get(url)).status).toBe(401);
    }
  });
});

describe('bad input', () => {
  const cases: Array<[string, (api: ReturnType<typeof client>) => ReturnType<ReturnType<typeof client>['get']>, number]> = [
    ['lesson: not a date', (api) => api.post('/api/lessons', { ...lessonBody(), startAt: 'tomorrow' }), 400],
    ['lesson: 30 February', (api) => api.post('/api/lessons', { ...lessonBody(), startAt: '2026-02-30T09:00:00Z' }), 400],
    ['lesson: no offset', (api) => api.post('/api/lessons', { ...lessonBody(), startAt: '2026-01-21T09:00:00' }), 400],
    ['lesson: missing end', (api) => api.post('/api/lessons', { groupId, title: 'x', startAt: '2026-01-21T09:00:00Z' }), 400],
    ['lesson: unknown field', (api) => api.post('/api/lessons', { ...lessonBody(), room: 5 }), 400],
    ['lesson: empty title', (api) => api.post('/api/lessons', { ...lessonBody(), title: '  ' }), 400],
    ['lesson: long title', (api) => api.post('/api/lessons', { ...lessonBody(), title: 'x'.repeat(201) }), 400],
    ['lesson: bad group id', (api) => api.post('/api/lessons', { ...lessonBody(), groupId: 'abc' }), 400],
    ['lesson: reversed', (api) => api.post('/api/lessons', { ...lessonBody(), endAt: '2026-01-21T08:00:00Z' }), 400],
    ['lesson: another teacher’s group', (api) => api.post('/api/lessons', { ...lessonBody(), groupId: strangerGroupId }), 404],
    ['lesson: unknown group', (api) => api.post('/api/lessons', { ...lessonBody(), groupId: '00000000-0000-4000-8000-000000000000' }), 404],
    ['lesson: status live', (api) => api.patch(`/api/lessons/${lessonId}`, { status: 'live' }), 400],
    ['lesson: bad id', (api) => api.patch('/api/lessons/rule:nope:2026-01-01', { title: 'x' }), 400],
    ['lesson: move reversed', (api) => api.patch(`/api/lessons/${lessonId}`, { endAt: '2026-01-20T08:00:00Z' }), 400],
    ['rule: unknown week type', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), weekType: 'MIDDLE' }), 400],
    ['rule: lower-case week type', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), weekType: 'upper' }), 400],
    ['rule: day 0', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), dayOfWeek: 0 }), 400],
    ['rule: day 8', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), dayOfWeek: 8 }), 400],
    ['rule: 25:00', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), startTime: '25:00' }), 400],
    ['rule: unknown zone', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), timezone: 'Mars/Olympus' }), 400],
    ['rule: month 13', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), startDate: '2026-13-01' }), 400],
    ['rule: reversed dates', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), startDate: '2026-03-01', endDate: '2026-01-01' }), 400],
    ['rule: another teacher’s group', (api) => api.post('/api/recurring-lessons', { ...ruleBody(), groupId: strangerGroupId }), 404],
    ['rule: change group', (api) => api.patch(`/api/recurring-lessons/${ruleId}`, { groupId: strangerGroupId }), 400],
    ['rule: split after its end', (api) => api.patch(`/api/recurring-lessons/${ruleId}`, { title: 'x', fromDate: '2027-01-01' }), 400],
    ['rule: delete from a bad date', (api) => api.delete(`/api/recurring-lessons/${ruleId}?fromDate=soon`), 400],
    ['rule: bad duration on change', (api) => api.patch(`/api/recurring-lessons/${ruleId}`, { endTime: '18:03' }), 400],
    ['calendar: range over a year', (api) => api.get(calendarUrl('2026-01-01T00:00:00Z', '2027-06-01T00:00:00Z')), 400],
    ['calendar: reversed', (api) => api.get(calendarUrl('2026-03-01T00:00:00Z', '2026-01-01T00:00:00Z')), 400],
    ['malformed JSON', (api) => api.post('/api/lessons', undefined as unknown as object).set('Content-Type', 'application/json').send('{"groupId":'), 400],
  ];

  it('answers each with a clear 4xx and leaves everything as it was', async () => {
    const before = await snapshot();
    const api = client(app, owner.token);
    for (const [name, call, status] of cases) {
      const res = await call(api);
      expect(res.status, name).toBe(status);
      expect(res.body.error?.code, name).toBeTruthy();
    }
    expect(await snapshot()).toEqual(before);
  });
});
