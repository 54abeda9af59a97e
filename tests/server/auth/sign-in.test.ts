import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildStudent, buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { Browser, cookieLine } from './browser.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}@example.test`;

describe('registration', () => {
  it('creates the account, signs in and sets an httpOnly refresh cookie', async () => {
    const email = unique('Reg').replace('reg', 'REG');
    const res = await request(app.url)
      .post('/api/auth/register')
      .send({ email, password: 'Str0ngPass', firstName: 'Ivan', lastName: 'Petrov', role: 'student', birthDate: '2008-05-01', locale: 'en' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: email.toLowerCase(), role: 'student', firstName: 'Ivan', lastName: 'Petrov', birthDate: '2008-05-01', emailVerified: false, locale: 'en' });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(res.body)).not.toContain('argon2');
    const cookie = res.headers['set-cookie']?.[0] as string;
    expect(cookie).toMatch(/^tp_refresh=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const me = await request(app.url).get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email.toLowerCase());
  });

  it('refuses a taken email whatever its case, with 409', async () => {
    const { user } = await buildTeacher(app);
    const res = await request(app.url)
      .post('/api/auth/register')
      .send({ email: user.email.toUpperCase(), password: 'Str0ngPass', firstName: 'A', lastName: 'B', role: 'teacher' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('auth/email-taken');
  });

  it.each([
    [{ password: 'short1A' }, 'password'],
    [{ password: 'alllowercase1' }, 'password'],
    [{ password: 'NoDigitsHere' }, 'password'],
    [{ email: 'not-an-email' }, 'email'],
    [{ role: 'admin' }, 'role'],
    [{ firstName: '' }, 'firstName'],
    [{ birthDate: '2020-13-45' }, 'birthDate'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ extra: true }, 'extra'],
  ])('rejects %j naming the field %s', async (override, field) => {
    const res = await request(app.url)
      .post('/api/auth/register')
      .send({ email: unique('bad'), password: 'Str0ngPass', firstName: 'A', lastName: 'B', role: 'student', ...override });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request/invalid');
    expect(Object.keys(res.body.error.fields)).toContain(field);
  });
});

describe('login', () => {
  it('signs in with the right password, case-insensitively by email', async () => {
    const { user } = await buildTeacher(app);
    const res = await request(app.url).post('/api/auth/login').send({ email: user.email.toUpperCase(), password: DEFAULT_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.id, role: 'teacher' });
    expect(typeof res.body.accessToken).toBe('string');
    // The account as sign-in read it is the account as the profile shows it, field for field.
    const me = await request(app.url).get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(res.body.user).toEqual(me.body.user ?? me.body);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password/i);
  });

  it('answers wrong password and unknown email identically', async () => {
    const { user } = await buildTeacher(app);
    const wrong = await request(app.url).post('/api/auth/login').send({ email: user.email, password: 'Wr0ngPassword' });
    const unknown = await request(app.url).post('/api/auth/login').send({ email: unique('ghost'), password: 'Wr0ngPassword' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('auth/invalid-credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a deactivated user', async () => {
    const { user } = await buildStudent(app);
    await app.ctx.services.users.adminUpdate({ userId: '00000000-0000-4000-8000-000000000000', role: 'admin' }, user.id, { active: false });
    const res = await request(app.url).post('/api/auth/login').send({ email: user.email, password: DEFAULT_PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('auth/invalid-credentials');
  });
});

describe('role-first entry', () => {
  it('creates a new account with the chosen role, names from the email, and mails a confirmation', async () => {
    const browser = new Browser(app.url);
    const chosen = await browser.chooseRole('teacher');
    expect(chosen.status).toBe(200);
    expect(cookieLine(chosen, 'tp_role')).toMatch(/HttpOnly/);
    const email = unique('maria.k');
    const res = await browser.post('/api/auth/enter', { email, password: 'Str0ngPass' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email, role: 'teacher', firstName: email.split('@')[0] });
    expect(browser.cookies.get('tp_refresh')).toBeTruthy();
    const mailbox = await request(app.url).get('/api/dev/mailbox');
    expect(mailbox.body.messages.some((m: { to: string; text: string }) => m.to === email && m.text.includes('/confirm-email?token='))).toBe(true);
  });

  it('signs an existing user in with their stored role even when another role was chosen', async () => {
    const { user } = await buildStudent(app);
    const browser = new Browser(app.url);
    await browser.chooseRole('teacher');
    const res = await browser.post('/api/auth/enter', { email: user.email, password: DEFAULT_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.id, role: 'student' });
    const stored = await app.ctx.services.users.findById(user.id);
    expect(stored!.role).toBe('student');
  });

  it('refuses a wrong password for an existing email', async () => {
    const { user } = await buildStudent(app);
    const browser = new Browser(app.url);
    await browser.chooseRole('student');
    const res = await browser.post('/api/auth/enter', { email: user.email, password: 'Wr0ngPassword' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('auth/invalid-credentials');
  });

  it('asks for a role before creating an account', async () => {
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    const email = unique('norole');
    const res = await browser.post('/api/auth/enter', { email, password: 'Str0ngPass' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('auth/role-required');
    expect(await app.ctx.services.users.findByEmail(email)).toBeNull();
  });

  it('ignores a forged role cookie', async () => {
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    browser.cookies.set('tp_role', 'role:teacher.forged-signature');
    const res = await browser.post('/api/auth/enter', { email: unique('forged'), password: 'Str0ngPass' });
    expect(res.body.error.code).toBe('auth/role-required');
  });

  it('applies the password policy to new accounts', async () => {
    const browser = new Browser(app.url);
    await browser.chooseRole('student');
    const email = unique('weak');
    const res = await browser.post('/api/auth/enter', { email, password: 'weak' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.password).toBeTruthy();
    expect(await app.ctx.services.users.findByEmail(email)).toBeNull();
  });

  it('refuses admin as a self-service role', async () => {
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    const res = await browser.post('/api/auth/role', { role: 'admin' });
    expect(res.status).toBe(400);
    expect(browser.cookies.has('tp_role')).toBe(false);
  });

  it('requires the CSRF token on cookie-authenticated calls', async () => {
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    expect((await browser.post('/api/auth/role', { role: 'student' }, { csrf: false })).body.error.code).toBe('csrf/invalid');
    expect((await browser.post('/api/auth/role', { role: 'student' }, { headers: { 'x-csrf-token': 'x'.repeat(32) }, csrf: false })).status).toBe(403);
    expect((await browser.post('/api/auth/enter', { email: unique('c'), password: 'Str0ngPass' }, { csrf: false })).status).toBe(403);
    expect((await browser.post('/api/auth/refresh', {}, { csrf: false })).status).toBe(403);
    expect((await browser.post('/api/auth/logout', {}, { csrf: false })).status).toBe(403);
  });
});

describe('me', () => {
  it('needs a valid bearer token', async () => {
    expect((await request(app.url).get('/api/auth/me')).status).toBe(401);
    const res = await request(app.url).get('/api/auth/me').set('Authorization', 'Bearer garbage.token.here');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('auth/unauthenticated');
  });
});
