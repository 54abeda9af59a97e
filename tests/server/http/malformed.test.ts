import { beforeAll, describe, expect, it } from 'vitest';
import request, { type Test } from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher } from '../../factories/users.js';

let app: TestApp;
let adminToken: string;
let teacherToken: string;
let studentId: string;
let csrf: string;
const TABLES = ['users', 'refresh_tokens', 'action_tokens', 'oauth_identities'];
let before: Record<string, number>;

async function rowCounts(): Promise<Record<string, number>> {
  const connection = app.infra.orm.em.fork().getConnection();
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await connection.execute<Array<{ n: string }>>(`select count(*) as n from ${table}`);
    counts[table] = Number(row!.n);
  }
  return counts;
}

beforeAll(async () => {
  app = await createTestApp();
  adminToken = (await buildAdmin(app)).token;
  teacherToken = (await buildTeacher(app)).token;
  studentId = (await buildStudent(app)).user.id;
  const res = await request(app.url).get('/api/auth/csrf');
  csrf = res.body.csrfToken;
  before = await rowCounts();
});

const api = () => request(app.url);
const json = (test: Test, raw: string | Buffer) => test.set('Content-Type', 'application/json').send(raw);
const withCsrf = (test: Test) => test.set('Cookie', `tp_csrf=${csrf}`).set('x-csrf-token', csrf);
const asAdmin = (test: Test) => test.set('Authorization', `Bearer ${adminToken}`);
const validRegistration = { email: 'new@example.test', password: 'Str0ngPass', firstName: 'A', lastName: 'B', role: 'student' };
const validAdminCreate = { email: 'made@example.test', password: 'Str0ngPass', role: 'teacher', firstName: 'A', lastName: 'B' };
const huge = 'a'.repeat(20_000);

const cases: Array<[string, () => Test, number?]> = [
  ['login: truncated JSON', () => json(api().post('/api/auth/login'), '{"email":'), 400],
  ['login: null body', () => json(api().post('/api/auth/login'), 'null'), 400],
  ['login: array body', () => json(api().post('/api/auth/login'), '[{"email":"a@b.test","password":"x"}]'), 400],
  ['login: string body', () => json(api().post('/api/auth/login'), '"hello"'), 400],
  ['login: number as email', () => api().post('/api/auth/login').send({ email: 42, password: 'x' }), 400],
  ['login: unknown field', () => api().post('/api/auth/login').send({ email: 'a@b.test', password: 'Str0ngPass', admin: true }), 400],
  ['login: empty object', () => api().post('/api/auth/login').send({}), 400],
  ['login: bad email', () => api().post('/api/auth/login').send({ email: 'not-an-email', password: 'x' }), 400],
  ['login: huge email', () => api().post('/api/auth/login').send({ email: `${huge}@example.test`, password: 'x' }), 400],
  ['login: password over 128 characters', () => api().post('/api/auth/login').send({ email: 'a@b.test', password: 'Aa1'.repeat(50) }), 400],
  ['login: __proto__ key', () => json(api().post('/api/auth/login'), '{"email":"a@b.test","password":"x","__proto__":{"role":"admin"}}'), 400],
  ['register: weak password', () => api().post('/api/auth/register').send({ ...validRegistration, password: 'password' }), 400],
  ['register: missing last name', () => api().post('/api/auth/register').send({ ...validRegistration, lastName: undefined }), 400],
  ['register: admin role', () => api().post('/api/auth/register').send({ ...validRegistration, role: 'admin' }), 400],
  ['register: impossible birth date', () => api().post('/api/auth/register').send({ ...validRegistration, birthDate: '2001-02-30' }), 400],
  ['register: invalid UTF-8 bytes', () => json(api().post('/api/auth/register'), Buffer.concat([Buffer.from('{"email":"a@b.test","firstName":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])), 400],
  ['register: body over 100 KB', () => api().post('/api/auth/register').send({ ...validRegistration, firstName: 'x'.repeat(110 * 1024) }), 413],
  ['register: text/plain body', () => api().post('/api/auth/register').set('Content-Type', 'text/plain').send(JSON.stringify(validRegistration)), 400],
  ['register: form-encoded body', () => api().post('/api/auth/register').type('form').send(validRegistration), 400],
  ['register: object as first name', () => api().post('/api/auth/register').send({ ...validRegistration, firstName: { $ne: '' } }), 400],
  ['register: first name over 80 characters', () => api().post('/api/auth/register').send({ ...validRegistration, firstName: 'x'.repeat(81) }), 400],
  ['register: blank email', () => api().post('/api/auth/register').send({ ...validRegistration, email: '   ' }), 400],
  ['register: unsupported charset', () => api().post('/api/auth/register').set('Content-Type', 'application/json; charset=latin1').send(JSON.stringify(validRegistration)), undefined],
  ['register: corrupt gzip body', () => api().post('/api/auth/register').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(Buffer.from('not gzip at all')), undefined],
  ['enter: no CSRF token', () => api().post('/api/auth/enter').send({ email: 'x@example.test', password: 'Str0ngPass' }), 403],
  ['enter: array body', () => withCsrf(json(api().post('/api/auth/enter'), '[]')), 400],
  ['role: unknown role', () => withCsrf(api().post('/api/auth/role')).send({ role: 'superuser' }), 400],
  ['refresh: forged CSRF header only', () => api().post('/api/auth/refresh').set('x-csrf-token', 'a'.repeat(32)), 403],
  ['password reset: null email', () => api().post('/api/auth/password-reset').send({ email: null }), 400],
  ['password reset confirm: short token', () => api().post('/api/auth/password-reset/confirm').send({ token: 'abc', password: 'Str0ngPass' }), 400],
  ['confirm email: numeric token', () => api().post('/api/auth/confirm-email').send({ token: 1234567890123 }), 400],
  ['confirm email: boolean body', () => json(api().post('/api/auth/confirm-email'), 'true'), 400],
  ['me: malformed bearer', () => api().get('/api/auth/me').set('Authorization', 'Bearer'), 401],
  ['profile: unknown timezone', () => api().patch('/api/users/me').set('Authorization', `Bearer ${teacherToken}`).send({ timezone: 'Mars/Base' }), 400],
  ['profile: phone too long', () => api().patch('/api/users/me').set('Authorization', `Bearer ${teacherToken}`).send({ phone: '1'.repeat(33) }), 400],
  ['admin create: as a teacher', () => api().post('/api/admin/users').set('Authorization', `Bearer ${teacherToken}`).send(validAdminCreate), 403],
  ['admin create: missing password', () => asAdmin(api().post('/api/admin/users')).send({ ...validAdminCreate, password: undefined }), 400],
  ['admin create: unknown role', () => asAdmin(api().post('/api/admin/users')).send({ ...validAdminCreate, role: 'root' }), 400],
  ['admin create: huge last name', () => asAdmin(api().post('/api/admin/users')).send({ ...validAdminCreate, lastName: huge }), 400],
  ['admin update: bad uuid in path', () => asAdmin(api().patch('/api/admin/users/not-a-uuid')).send({ firstName: 'X' }), 400],
  ['admin update: SQL-ish path', () => asAdmin(api().patch("/api/admin/users/1'%20or%20'1'='1")).send({ firstName: 'X' }), 400],
  ['admin update: malformed email', () => asAdmin(api().patch(`/api/admin/users/${studentId}`)).send({ email: 'x@@example.test' }), 400],
  ['admin update: string as boolean', () => asAdmin(api().patch(`/api/admin/users/${studentId}`)).send({ active: 'no' }), 400],
  ['admin update: weak new password', () => asAdmin(api().patch(`/api/admin/users/${studentId}`)).send({ password: 'abc' }), 400],
  ['admin list: limit too large', () => asAdmin(api().get('/api/admin/users?limit=1000')), 400],
  ['admin list: negative offset', () => asAdmin(api().get('/api/admin/users?offset=-1')), 400],
  ['admin list: unknown query parameter', () => asAdmin(api().get('/api/admin/users?sort=password')), 400],
  ['admin list: repeated parameter', () => asAdmin(api().get('/api/admin/users?role=teacher&role=admin')), 400],
  ['oauth: unknown provider', () => api().get('/api/auth/oauth/facebook'), 400],
  ['malformed percent-encoding in path', () => asAdmin(api().patch('/api/admin/users/%E0%A4%A')).send({ firstName: 'X' }), 400],
];

describe('malformed requests', () => {
  it('has a table of at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s → 4xx with the error shape', async (_name, send, expectedStatus) => {
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    if (expectedStatus) expect(res.status).toBe(expectedStatus);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    expect(Object.keys(res.body.error).every((key) => ['code', 'message', 'fields'].includes(key))).toBe(true);
  });

  it('leaves the database unchanged', async () => {
    expect(await rowCounts()).toEqual(before);
  });
});
