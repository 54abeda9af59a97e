import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { Browser } from '../auth/browser.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}@example.test`;

describe('own profile', () => {
  it('updates names, timezone, locale, phone, birth date and week anchor', async () => {
    const { token } = await buildTeacher(app);
    const res = await request(app.url)
      .patch('/api/users/me')
      .set(bearer(token))
      .send({ firstName: 'Olga', timezone: 'Asia/Yekaterinburg', locale: 'ru', phone: '+7 900 000-00-00', birthDate: '1990-02-03', weekAnchorDate: '2026-09-07' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: 'Olga', lastName: 'User', timezone: 'Asia/Yekaterinburg', locale: 'ru', phone: '+7 900 000-00-00', birthDate: '1990-02-03', weekAnchorDate: '2026-09-07' });
    const cleared = await request(app.url).patch('/api/users/me').set(bearer(token)).send({ phone: null, birthDate: null });
    expect(cleared.body).toMatchObject({ phone: null, birthDate: null, firstName: 'Olga' });
    expect((await request(app.url).get('/api/auth/me').set(bearer(token))).body.firstName).toBe('Olga');
  });

  it('cannot change its own role, email or active flag', async () => {
    const { token, user } = await buildStudent(app);
    for (const patch of [{ role: 'admin' }, { email: 'x@example.test' }, { active: false }, { emailVerified: true }]) {
      const res = await request(app.url).patch('/api/users/me').set(bearer(token)).send(patch);
      expect(res.status).toBe(400);
    }
    expect((await app.ctx.services.users.findById(user.id))!.role).toBe('student');
  });
});

describe('admin user management', () => {
  it('is refused to teachers, students and anonymous callers', async () => {
    const teacher = await buildTeacher(app);
    const student = await buildStudent(app);
    const target = await buildStudent(app);
    for (const token of [teacher.token, student.token]) {
      expect((await request(app.url).get('/api/admin/users').set(bearer(token))).status).toBe(403);
      const created = await request(app.url)
        .post('/api/admin/users')
        .set(bearer(token))
        .send({ email: unique('x'), password: 'Str0ngPass', role: 'admin', firstName: 'A', lastName: 'B' });
      expect(created.status).toBe(403);
      expect(created.body.error.code).toBe('auth/forbidden');
      expect((await request(app.url).patch(`/api/admin/users/${target.user.id}`).set(bearer(token)).send({ role: 'admin' })).status).toBe(403);
    }
    expect((await request(app.url).get('/api/admin/users')).status).toBe(401);
    expect((await app.ctx.services.users.findById(target.user.id))!.role).toBe('student');
  });

  it('creates users of any role with a password they can sign in with', async () => {
    const { token } = await buildAdmin(app);
    for (const role of ['teacher', 'student', 'admin'] as const) {
      const email = unique(role);
      const res = await request(app.url)
        .post('/api/admin/users')
        .set(bearer(token))
        .send({ email: email.toUpperCase(), password: 'Str0ngPass', role, firstName: 'New', lastName: role, locale: 'en' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ email, role, active: true });
      const login = await request(app.url).post('/api/auth/login').send({ email, password: 'Str0ngPass' });
      expect(login.body.user.role).toBe(role);
    }
  });

  it('refuses duplicates and weak passwords', async () => {
    const { token } = await buildAdmin(app);
    const existing = await buildTeacher(app);
    const dup = await request(app.url).post('/api/admin/users').set(bearer(token)).send({ email: existing.user.email, password: 'Str0ngPass', role: 'teacher', firstName: 'A', lastName: 'B' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('auth/email-taken');
    const weak = await request(app.url).post('/api/admin/users').set(bearer(token)).send({ email: unique('w'), password: 'password', role: 'teacher', firstName: 'A', lastName: 'B' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields.password).toBeTruthy();
  });

  it('lists with paging, role filter and search', async () => {
    const { token } = await buildAdmin(app);
    const marker = Math.random().toString(36).slice(2, 8);
    for (let i = 0; i < 3; i++) await buildStudent(app, { email: `pupil${i}-${marker}@example.test`, lastName: `Zz${marker}` });
    const page1 = await request(app.url).get(`/api/admin/users?q=${marker}&limit=2`).set(bearer(token));
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(3);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await request(app.url).get(`/api/admin/users?q=${marker}&limit=2&offset=2`).set(bearer(token));
    expect(page2.body.items).toHaveLength(1);
    const ids = [...page1.body.items, ...page2.body.items].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(3);
    const teachers = await request(app.url).get('/api/admin/users?role=teacher&limit=200').set(bearer(token));
    expect(teachers.body.items.every((u: { role: string }) => u.role === 'teacher')).toBe(true);
    expect(JSON.stringify(teachers.body)).not.toMatch(/password/i);
    const wildcard = await request(app.url).get('/api/admin/users?q=%25').set(bearer(token));
    expect(wildcard.body.total).toBe(0);
  });

  it('deactivates a user: sessions end, sign-in is refused, reactivation restores it', async () => {
    const admin = await buildAdmin(app);
    const { user } = await buildTeacher(app);
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    await browser.post('/api/auth/login', { email: user.email, password: DEFAULT_PASSWORD });

    const res = await request(app.url).patch(`/api/admin/users/${user.id}`).set(bearer(admin.token)).send({ active: false });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);
    expect((await request(app.url).post('/api/auth/login').send({ email: user.email, password: DEFAULT_PASSWORD })).status).toBe(401);

    await request(app.url).patch(`/api/admin/users/${user.id}`).set(bearer(admin.token)).send({ active: true, role: 'admin', password: 'Fresh1Pass' });
    const login = await request(app.url).post('/api/auth/login').send({ email: user.email, password: 'Fresh1Pass' });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('admin');
  });

  it('keeps an admin from locking themselves out and answers 404 for unknown users', async () => {
    const admin = await buildAdmin(app);
    const self = await request(app.url).patch(`/api/admin/users/${admin.user.id}`).set(bearer(admin.token)).send({ active: false });
    expect(self.status).toBe(403);
    const missing = await request(app.url).patch('/api/admin/users/00000000-0000-4000-8000-000000000000').set(bearer(admin.token)).send({ firstName: 'X' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('user/not-found');
  });
});

describe('lookups other modules use', () => {
  it('finds by id, by email (any case) and lists by ids', async () => {
    const a = await buildTeacher(app);
    const b = await buildStudent(app);
    const users = app.ctx.services.users;
    expect((await users.findById(a.user.id))!.email).toBe(a.user.email);
    expect((await users.findByEmail(b.user.email.toUpperCase()))!.id).toBe(b.user.id);
    expect(await users.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
    const listed = await users.listByIds([a.user.id, b.user.id, a.user.id]);
    expect(listed.map((u) => u.id).sort()).toEqual([a.user.id, b.user.id].sort());
    expect(await users.listByIds([])).toEqual([]);
  });
});
