import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, nextEvent, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { systemClock } from '../../../server/src/infra/clock.js';
import { Browser } from '../auth/browser.js';

const PUBLIC_URL = 'http://panel.example.test';
let nodeA: TestApp;
let nodeB: TestApp;

/** Two nodes over one database and Redis: the admin acts on A, the user is connected to B. No SMTP: mail lands in the dev mailbox. */
beforeAll(async () => {
  const env = { PUBLIC_URL };
  nodeA = await createTestApp({ redis: true, clock: systemClock, env });
  nodeB = await createTestApp({ redis: true, clock: systemClock, env, databaseUrl: nodeA.databaseUrl });
});
const mailsTo = (email: string) => nodeA.ctx.services.mailer.recent().filter((m) => m.to.includes(email));

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}@example.test`;
const patchUser = (token: string, id: string, body: object) => request(nodeA.url).patch(`/api/admin/users/${id}`).set(bearer(token)).send(body);
const auditOf = async (adminToken: string, action: string) =>
  (await request(nodeA.url).get(`/api/audit?action=${action}&limit=200`).set(bearer(adminToken))).body.items as Array<{ actorId: string; detail: Record<string, unknown> & { changes?: unknown; userId?: string; groupId?: string; studentId?: string; groupName?: string } }>;

describe('admin edits a user', () => {
  it('changes names, email and role; the change is in the audit log with before and after', async () => {
    const admin = await buildAdmin(nodeA);
    const { user } = await buildStudent(nodeA);
    const email = unique('renamed');
    const res = await patchUser(admin.token, user.id, { firstName: 'Вера', lastName: 'Ким', email: email.toUpperCase(), role: 'teacher' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: 'Вера', lastName: 'Ким', email, role: 'teacher' });
    const login = await request(nodeA.url).post('/api/auth/login').send({ email, password: DEFAULT_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('teacher');

    const line = (await auditOf(admin.token, 'user.update')).find((entry) => entry.detail.userId === user.id);
    expect(line?.actorId).toBe(admin.user.id);
    expect(line?.detail.changes).toMatchObject({ firstName: { from: 'Test', to: 'Вера' }, email: { from: user.email, to: email }, role: { from: 'student', to: 'teacher' } });
  });

  it('refuses an email another account has, and a malformed one', async () => {
    const admin = await buildAdmin(nodeA);
    const { user } = await buildStudent(nodeA);
    const other = await buildTeacher(nodeA);
    const taken = await patchUser(admin.token, user.id, { email: other.user.email });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('auth/email-taken');
    const malformed = await patchUser(admin.token, user.id, { email: 'not an email' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields.email).toBeTruthy();
    expect((await nodeA.ctx.services.users.findById(user.id))!.email).toBe(user.email);
  });

  it('saving unchanged fields signs nobody out and writes no audit line', async () => {
    const admin = await buildAdmin(nodeA);
    const target = await buildTeacher(nodeA);
    const res = await patchUser(admin.token, target.user.id, { firstName: 'Test', lastName: 'User', role: 'teacher', active: true });
    expect(res.status).toBe(200);
    expect((await request(nodeA.url).get('/api/auth/me').set(bearer(target.token))).status).toBe(200);
    expect((await auditOf(admin.token, 'user.update')).some((entry) => entry.detail.userId === target.user.id)).toBe(false);
  });
});

describe('deactivation', () => {
  it('cuts the user off at once on every node: open socket closed, access token refused, refresh refused', async () => {
    const admin = await buildAdmin(nodeA);
    const target = await buildTeacher(nodeA);
    const browser = new Browser(nodeB.url);
    await browser.loadCsrf();
    expect((await browser.post('/api/auth/login', { email: target.user.email, password: DEFAULT_PASSWORD })).status).toBe(200);
    const socket = nodeB.socket(target.token);
    await nextEvent(socket, 'session:ready');
    const told = nextEvent<{ reason: string }>(socket, 'session:expired');
    const closed = nextEvent<string>(socket, 'disconnect');
    expect((await request(nodeB.url).get('/api/auth/me').set(bearer(target.token))).status).toBe(200);

    const res = await patchUser(admin.token, target.user.id, { active: false });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await told).reason).toMatch(/administrator/);
    expect(await closed).toBe('io server disconnect');
    for (const node of [nodeA, nodeB]) {
      const me = await request(node.url).get('/api/auth/me').set(bearer(target.token));
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('auth/unauthenticated');
    }
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);
    // Reconnecting with the old token is refused too.
    const again = nodeB.socket(target.token);
    await expect(nextEvent(again, 'connect_error', 3_000)).resolves.toBeTruthy();
    expect((await request(nodeA.url).post('/api/auth/login').send({ email: target.user.email, password: DEFAULT_PASSWORD })).status).toBe(401);
    expect((await auditOf(admin.token, 'user.deactivate')).some((entry) => entry.detail.userId === target.user.id)).toBe(true);

    const back = await patchUser(admin.token, target.user.id, { active: true });
    expect(back.body.active).toBe(true);
    const login = await request(nodeB.url).post('/api/auth/login').send({ email: target.user.email, password: DEFAULT_PASSWORD });
    expect(login.status).toBe(200);
    expect((await request(nodeA.url).get('/api/auth/me').set(bearer(login.body.accessToken))).status).toBe(200);
    expect((await auditOf(admin.token, 'user.reactivate')).some((entry) => entry.detail.userId === target.user.id)).toBe(true);
  });

  it('other users keep their sessions', async () => {
    const admin = await buildAdmin(nodeA);
    const target = await buildStudent(nodeA);
    const bystander = await buildStudent(nodeA);
    const socket = nodeB.socket(bystander.token);
    await nextEvent(socket, 'session:ready');
    await patchUser(admin.token, target.user.id, { active: false });
    expect((await request(nodeB.url).get('/api/auth/me').set(bearer(bystander.token))).status).toBe(200);
    expect(socket.connected).toBe(true);
  });
});

describe('password reset by the admin', () => {
  it('mails the user the usual reset link; the link sets a new password', async () => {
    const admin = await buildAdmin(nodeA);
    const { user } = await buildTeacher(nodeA, { email: unique('forgot') });
    const res = await request(nodeA.url).post(`/api/admin/users/${user.id}/password-reset`).set(bearer(admin.token));
    expect(res.status).toBe(202);
    const [mail] = mailsTo(user.email);
    expect(mail?.subject).toMatch(/password/i);
    const token = new RegExp(`${PUBLIC_URL}/reset-password\\?token=([\\w-]+)`).exec(mail!.text)?.[1];
    expect(token).toBeTruthy();
    const confirmed = await request(nodeA.url).post('/api/auth/password-reset/confirm').send({ token, password: 'N3wPassword' });
    expect(confirmed.status).toBe(200);
    expect((await request(nodeA.url).post('/api/auth/login').send({ email: user.email, password: 'N3wPassword' })).status).toBe(200);
    expect((await auditOf(admin.token, 'user.password-reset')).some((entry) => entry.detail.userId === user.id && entry.actorId === admin.user.id)).toBe(true);
  });

  it('is refused for a deactivated account, an unknown one, and to non-admins', async () => {
    const admin = await buildAdmin(nodeA);
    const teacher = await buildTeacher(nodeA);
    const { user } = await buildStudent(nodeA);
    await patchUser(admin.token, user.id, { active: false });
    const inactive = await request(nodeA.url).post(`/api/admin/users/${user.id}/password-reset`).set(bearer(admin.token));
    expect(inactive.status).toBe(409);
    expect(inactive.body.error.code).toBe('user/inactive');
    const unknown = await request(nodeA.url).post('/api/admin/users/00000000-0000-4000-8000-000000000000/password-reset').set(bearer(admin.token));
    expect(unknown.status).toBe(404);
    const refused = await request(nodeA.url).post(`/api/admin/users/${teacher.user.id}/password-reset`).set(bearer(teacher.token));
    expect(refused.status).toBe(403);
    expect(mailsTo(user.email)).toEqual([]);
  });
});
