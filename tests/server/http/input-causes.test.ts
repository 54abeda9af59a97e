import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import request, { type Test } from 'supertest';
import { createTestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildRule } from '../../factories/schedule.js';
import { signZoomWebhook } from '../../fakes/zoom-webhook.js';

/*
 * The four causes of 500s a black-box run found (issue 9, item 2), each over HTTP against the real
 * app: (a) malformed occurrence ids reaching PostgreSQL, (b) NUL characters, (c) year-0000 dates,
 * (d) absurd webhook event times; plus lone surrogates, which made a batched audit insert fail.
 */

const SECRET = 'zoom-webhook-secret-for-input-tests';
const app = await createTestApp({ env: { ZOOM_WEBHOOK_SECRET: SECRET } });
const admin = await buildAdmin(app);
const teacher = await buildTeacher(app);
const student = await buildStudent(app);
const { group } = await buildGroup(app, { teacher, students: [student] });
const rule = await buildRule(app, teacher, group.id, { startDate: '2026-01-05', endDate: '2026-06-29' });

const api = () => request(app.url);
const as = (token: string, test: Test) => test.set('Authorization', `Bearer ${token}`);
const validRegistration = { email: 'fresh@example.test', password: 'Str0ngPass', firstName: 'Ann', lastName: 'Lee', role: 'student' };

const NUL = 'a\u0000b';
const SURROGATE = 'x\ud800y';
const BAD_OCCURRENCES = {
  'a uuid of 36 hex digits and no dashes': 'rule:ffffffffffffffffffffffffffffffffffff:2027-01-01',
  'February 30th': `rule:${rule.id}:2027-02-30`,
  'year 0000': `rule:${rule.id}:0000-01-01`,
  'dashes only': 'rule:------------------------------------:2027-01-01',
};
/** [route, request, teacher-only (a student is refused before the id is read)] */
const LESSON_ROUTES: Array<[string, (id: string) => Test, boolean?]> = [
  ['GET /api/lessons/:id', (id) => api().get(`/api/lessons/${encodeURIComponent(id)}`)],
  ['PATCH /api/lessons/:id', (id) => api().patch(`/api/lessons/${encodeURIComponent(id)}`).send({ title: 'Moved' }), true],
  ['DELETE /api/lessons/:id', (id) => api().delete(`/api/lessons/${encodeURIComponent(id)}`), true],
  ['POST /api/lessons/:id/start', (id) => api().post(`/api/lessons/${encodeURIComponent(id)}/start`)],
  ['POST /api/lessons/:id/end', (id) => api().post(`/api/lessons/${encodeURIComponent(id)}/end`)],
  ['GET /api/lessons/:id/meeting', (id) => api().get(`/api/lessons/${encodeURIComponent(id)}/meeting`)],
];

/** [case, request, expected status, field the message must name (400s only)] */
type Case = [string, () => Test, number, string?];

const occurrenceCases: Case[] = Object.entries(BAD_OCCURRENCES).flatMap(([what, id]) =>
  LESSON_ROUTES.flatMap(([route, send, teacherOnly]): Case[] => [
    [`(a) ${route} with ${what}, as the teacher`, () => as(teacher.token, send(id)), 400, 'id'],
    teacherOnly
      ? [`(a) ${route} with ${what}, as a student`, () => as(student.token, send(id)), 403]
      : [`(a) ${route} with ${what}, as a student`, () => as(student.token, send(id)), 400, 'id'],
  ]),
);
const unknownRuleCases: Case[] = LESSON_ROUTES.map(([route, send]): Case => [
  `(a) ${route}: a well-formed occurrence of a rule that does not exist`,
  () => as(teacher.token, send(`rule:${randomUUID()}:2026-03-02`)),
  404,
]);

const stringCases: Case[] = [
  ['(b) register: NUL in the first name, signed out', () => api().post('/api/auth/register').send({ ...validRegistration, firstName: NUL }), 400, 'firstName'],
  ['(b) register: lone surrogate in the last name', () => api().post('/api/auth/register').send({ ...validRegistration, lastName: SURROGATE }), 400, 'lastName'],
  ['(b) login: NUL in the password', () => api().post('/api/auth/login').send({ email: 'a@b.test', password: `Str0ng${NUL}` }), 400, 'password'],
  ['(b) POST /api/groups: NUL in the name', () => as(teacher.token, api().post('/api/groups').send({ name: NUL })), 400, 'name'],
  ['(b) PATCH /api/groups/:id: lone surrogate in the name', () => as(teacher.token, api().patch(`/api/groups/${group.id}`).send({ name: SURROGATE })), 400, 'name'],
  ['(b) PATCH /api/users/me: NUL in the first name', () => as(student.token, api().patch('/api/users/me').send({ firstName: NUL })), 400, 'firstName'],
  ['(b) PATCH /api/users/me: NUL in the phone', () => as(student.token, api().patch('/api/users/me').send({ phone: `+7${NUL}` })), 400, 'phone'],
  ['(b) POST /api/admin/users: NUL in the last name', () => as(admin.token, api().post('/api/admin/users').send({ email: 'made@example.test', password: 'Str0ngPass', role: 'teacher', firstName: 'A', lastName: NUL })), 400, 'lastName'],
  ['(b) PATCH /api/admin/users/:id: lone surrogate in the first name', () => as(admin.token, api().patch(`/api/admin/users/${student.user.id}`).send({ firstName: SURROGATE })), 400, 'firstName'],
  ['(b) GET /api/admin/users: NUL in q', () => as(admin.token, api().get('/api/admin/users').query({ q: NUL })), 400, 'q'],
  ['(b) GET /api/audit: NUL in action', () => as(admin.token, api().get('/api/audit').query({ action: NUL })), 400, 'action'],
  ['(b) POST /api/lessons: NUL in the title', () => as(teacher.token, api().post('/api/lessons').send({ groupId: group.id, title: NUL, startAt: '2026-02-02T10:00:00Z', endAt: '2026-02-02T11:00:00Z' })), 400, 'title'],
  ['(b) PATCH /api/lessons/:id (occurrence): NUL in the title', () => as(teacher.token, api().patch(`/api/lessons/rule:${rule.id}:2026-01-05`).send({ title: NUL })), 400, 'title'],
  ['(b) POST /api/recurring-lessons: NUL in the title', () => as(teacher.token, api().post('/api/recurring-lessons').send({ groupId: group.id, title: NUL, dayOfWeek: 2, weekType: 'ALL', startTime: '10:00', endTime: '11:00', timezone: 'Europe/Moscow', startDate: '2026-01-06', endDate: '2026-02-24' })), 400, 'title'],
  ['(b) PATCH /api/recurring-lessons/:id: lone surrogate in the title', () => as(teacher.token, api().patch(`/api/recurring-lessons/${rule.id}`).send({ title: SURROGATE })), 400, 'title'],
  ['(b) POST /api/pool/accounts: NUL in the label', () => as(admin.token, api().post('/api/pool/accounts').send({ provider: 'demo', label: NUL, email: 'room@rooms.test' })), 400, 'label'],
  ['(b) POST /api/pool/accounts: lone surrogate in the label', () => as(admin.token, api().post('/api/pool/accounts').send({ provider: 'demo', label: SURROGATE, email: 'room@rooms.test' })), 400, 'label'],
  ['(b) POST /api/groups/join: NUL in the code', () => as(student.token, api().post('/api/groups/join').send({ code: `ABCD${NUL}` })), 400, 'code'],
  ['(b) name of 100 KB minus a little', () => as(teacher.token, api().post('/api/groups').send({ name: 'x'.repeat(90_000) })), 400, 'name'],
];

const dateCases: Case[] = [
  ['(c) register: birth date 0000-01-01', () => api().post('/api/auth/register').send({ ...validRegistration, birthDate: '0000-01-01' }), 400, 'birthDate'],
  ['(c) register: birth date 2027-02-30', () => api().post('/api/auth/register').send({ ...validRegistration, birthDate: '2027-02-30' }), 400, 'birthDate'],
  ['(c) PATCH /api/users/me: weekAnchorDate 0000-01-01', () => as(teacher.token, api().patch('/api/users/me').send({ weekAnchorDate: '0000-01-01' })), 400, 'weekAnchorDate'],
  ['(c) PATCH /api/users/me: birthDate 0000-01-01', () => as(student.token, api().patch('/api/users/me').send({ birthDate: '0000-01-01' })), 400, 'birthDate'],
  ['(c) GET /api/audit: from in year 0000', () => as(admin.token, api().get('/api/audit').query({ from: '0000-01-01T00:00:00Z' })), 400, 'from'],
  ['(c) GET /api/audit: to in year 0000', () => as(admin.token, api().get('/api/audit').query({ to: '0000-12-31T23:59:59Z' })), 400, 'to'],
  ['(c) GET /api/calendar: from in year 0000', () => as(teacher.token, api().get('/api/calendar').query({ from: '0000-01-01T00:00:00Z', to: '0000-02-01T00:00:00Z' })), 400, 'from'],
  ['(c) POST /api/lessons: start in year 0000', () => as(teacher.token, api().post('/api/lessons').send({ groupId: group.id, title: 'Old', startAt: '0000-01-03T10:00:00Z', endAt: '0000-01-03T11:00:00Z' })), 400, 'startAt'],
  ['(c) POST /api/recurring-lessons: start date 0000-01-03', () => as(teacher.token, api().post('/api/recurring-lessons').send({ groupId: group.id, title: 'Old', dayOfWeek: 1, weekType: 'ALL', startTime: '10:00', endTime: '11:00', timezone: 'UTC', startDate: '0000-01-03', endDate: '2026-02-24' })), 400, 'startDate'],
  ['(c) DELETE /api/recurring-lessons/:id: fromDate 0000-01-03', () => as(teacher.token, api().delete(`/api/recurring-lessons/${rule.id}`).query({ fromDate: '0000-01-03' })), 400, 'fromDate'],
];

/** A Zoom delivery signed with the right secret at the app's time, with the given `event_ts`. */
function signedWebhook(eventTs: unknown): Test {
  const raw = JSON.stringify({ event: 'meeting.ended', event_ts: eventTs, payload: { object: { id: '123456789', uuid: 'abc==' } } });
  const timestamp = Math.floor(app.clock.now().getTime() / 1000);
  return api()
    .post('/api/webhooks/zoom')
    .set('Content-Type', 'application/json')
    .set('x-zm-request-timestamp', String(timestamp))
    .set('x-zm-signature', signZoomWebhook(SECRET, timestamp, raw))
    .send(raw);
}
const webhookCases: Case[] = [
  ['(d) signed webhook: event_ts 9007199254740991', () => signedWebhook(9007199254740991), 400, 'event_ts'],
  ['(d) signed webhook: event_ts 8.64e15 + 1', () => signedWebhook(8.64e15 + 1), 400, 'event_ts'],
  ['(d) signed webhook: negative event_ts', () => signedWebhook(-9007199254740991), 400, 'event_ts'],
  ['(d) signed webhook: fractional event_ts', () => signedWebhook(1.5), 400, 'event_ts'],
  ['(d) signed webhook: event_ts 1e308', () => signedWebhook(1e308), 400, 'event_ts'],
];

const cases = [...occurrenceCases, ...unknownRuleCases, ...stringCases, ...dateCases, ...webhookCases];

describe('malformed input by cause → 4xx, never 500', () => {
  it.each(cases)('%s', async (_name, send, status, field) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    if (field) expect(Object.keys(res.body.error.fields ?? {})).toContain(field);
  });

  it('names the reason in the field message', async () => {
    const nul = await as(teacher.token, api().post('/api/groups').send({ name: NUL }));
    expect(nul.body.error.fields.name).toMatch(/NUL/);
    const surrogate = await as(teacher.token, api().post('/api/groups').send({ name: SURROGATE }));
    expect(surrogate.body.error.fields.name).toMatch(/surrogate/);
    const year = await api().post('/api/auth/register').send({ ...validRegistration, birthDate: '0000-01-01' });
    expect(year.body.error.fields.birthDate).toMatch(/year must be between 1900 and 2200/);
  });

  it('still serves the well-formed neighbours of each case', async () => {
    const occurrence = await as(student.token, api().get(`/api/lessons/rule:${rule.id.toUpperCase()}:2026-01-05`));
    expect(occurrence.status).toBe(200);
    expect(occurrence.body.event.id).toBe(`rule:${rule.id}:2026-01-05`);
    const named = await as(teacher.token, api().post('/api/groups').send({ name: '  Группа 😀  ' }));
    expect(named.status).toBe(201);
    expect(named.body.group.name).toBe('Группа 😀');
    const profile = await as(student.token, api().patch('/api/users/me').send({ birthDate: '2010-02-28', weekAnchorDate: '2026-01-05' }));
    expect(profile.status).toBe(200);
    const hook = await signedWebhook(app.clock.now().getTime());
    expect(hook.status).toBe(200);
  });

  it('stores nothing from the refused requests', async () => {
    const connection = app.infra.orm.em.fork().getConnection();
    const [row] = await connection.execute<Array<{ n: string }>>(
      `select (select count(*) from users where email in ('fresh@example.test', 'made@example.test'))
            + (select count(*) from groups where name like '%' || chr(65533) || '%')
            + (select count(*) from meeting_accounts) as n`,
    );
    expect(Number(row!.n)).toBe(0);
  });
});
