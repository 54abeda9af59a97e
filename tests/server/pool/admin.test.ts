import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, nextEvent, nextEventMatching, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildAccount, buildLesson, leasesOf, lessonRow } from '../../factories/pool.js';
import type { PoolChangedPayload, PoolSnapshotPayload } from '@tp/shared';
import type { ManualClock } from '../../../server/src/infra/clock.js';

let app: TestApp;
let admin: BuiltUser;
beforeAll(async () => {
  app = await createTestApp({ env: { START_RATE_PER_MIN: '0' } });
  admin = await buildAdmin(app);
});

const as = (user: BuiltUser) => ({
  get: (path: string) => request(app.url).get(path).set('Authorization', `Bearer ${user.token}`),
  post: (path: string, body?: object) => request(app.url).post(path).set('Authorization', `Bearer ${user.token}`).send(body),
  patch: (path: string, body: object) => request(app.url).patch(path).set('Authorization', `Bearer ${user.token}`).send(body),
  delete: (path: string) => request(app.url).delete(path).set('Authorization', `Bearer ${user.token}`),
});
const start = (lesson: { id: string; teacher: BuiltUser }) => as(lesson.teacher).post(`/api/lessons/${lesson.id}/start`);
const end = (lesson: { id: string; teacher: BuiltUser }) => as(lesson.teacher).post(`/api/lessons/${lesson.id}/end`);
const SECRET = 'very-secret-client-secret-value';

describe('pool admin API', () => {
  it('is for admins only', async () => {
    const teacher = await buildTeacher(app);
    const student = await buildStudent(app);
    for (const user of [teacher, student]) {
      expect((await as(user).get('/api/pool/accounts')).status).toBe(403);
      expect((await as(user).post('/api/pool/accounts', { provider: 'demo', label: 'x', email: 'x@y.test' })).status).toBe(403);
      expect((await as(user).get('/api/pool/stats')).status).toBe(403);
      expect((await as(user).get('/api/pool/leases')).status).toBe(403);
      expect((await as(user).get('/api/audit')).status).toBe(403);
    }
    expect((await request(app.url).get('/api/pool/stats')).status).toBe(401);
    expect(await leasesOf(app)).toEqual([]);
  });

  it('stores credentials sealed and never returns them', async () => {
    const credentials = { accountId: 'zoom-acc', clientId: 'client-id', clientSecret: SECRET, userId: 'host@school.test' };
    const created = await as(admin).post('/api/pool/accounts', { provider: 'zoom', label: 'Zoom A', email: 'host@school.test', capacity: 2, credentials });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'zoom', label: 'Zoom A', capacity: 2, active: true, hasCredentials: true, leases: [] });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const listed = await as(admin).get('/api/pool/accounts');
    expect(JSON.stringify(listed.body)).not.toMatch(new RegExp(`${SECRET}|client-id|credentials_sealed|credentialsSealed`));
    const [row] = await app.infra.orm.em.fork().getConnection().execute(`select credentials_sealed from meeting_accounts where id = ?`, [created.body.id]);
    expect(row.credentials_sealed).not.toContain(SECRET);
    expect(JSON.parse(app.infra.secretBox.open(row.credentials_sealed))).toEqual(credentials);
    const audit = await as(admin).get('/api/audit').query({ action: 'account.create', accountId: created.body.id });
    expect(audit.body.total).toBe(1);
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);
    // Bad input: zoom without credentials, unknown fields, capacity out of range, huge body.
    expect((await as(admin).post('/api/pool/accounts', { provider: 'zoom', label: 'Z', email: 'z@school.test' })).status).toBe(400);
    expect((await as(admin).post('/api/pool/accounts', { provider: 'demo', label: 'D', email: 'd@school.test', admin: true })).status).toBe(400);
    expect((await as(admin).post('/api/pool/accounts', { provider: 'demo', label: 'D', email: 'd@school.test', capacity: 11 })).status).toBe(400);
    expect((await as(admin).post('/api/pool/accounts', { provider: 'demo', label: 'x'.repeat(200_000), email: 'd@school.test' })).status).toBe(413);
    expect((await as(admin).patch('/api/pool/accounts/00000000-0000-4000-8000-000000000000', { label: 'x' })).status).toBe(404);
    expect((await as(admin).patch('/api/pool/accounts/nope', { label: 'x' })).status).toBe(400);
    await as(admin).patch(`/api/pool/accounts/${created.body.id}`, { active: false });
  });
});

describe('allocation rules seen through the admin API', () => {
  it('a capacity-2 account hosts two lessons on slots 0 and 1, a third waits; capacity cannot drop below what runs', async () => {
    const account = await buildAccount(app, { capacity: 2 });
    const [one, two, three] = [await buildLesson(app), await buildLesson(app), await buildLesson(app)];
    expect((await start(one)).status).toBe(200);
    expect((await start(two)).status).toBe(200);
    const busy = await start(three);
    expect(busy.status).toBe(429);
    expect(busy.body.error.code).toBe('pool/exhausted');
    // Both lessons end at now+60 min, + 15 min grace.
    expect(Number(busy.headers['retry-after'])).toBe(75 * 60);
    expect(busy.body.error.message).toBe('All rooms are busy; try again in 75 min');
    const slots = (await leasesOf(app, 'account_id = ? and released_at is null', [account.id])).map((l) => l.slot).sort();
    expect(slots).toEqual([0, 1]);
    expect((await as(admin).get('/api/pool/stats')).body).toMatchObject({ available: 0, inUse: 2 });
    const shrink = await as(admin).patch(`/api/pool/accounts/${account.id}`, { capacity: 1 });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.code).toBe('pool/account-busy');
    const state = (await as(admin).get('/api/pool/accounts')).body.find((a: { id: string }) => a.id === account.id);
    expect(state.capacity).toBe(2);
    expect(state.leases.map((l: { lessonId: string }) => l.lessonId).sort()).toEqual([one.id, two.id].sort());
    expect(state.leases[0]).toMatchObject({ teacherName: 'Test User', groupName: expect.any(String), lessonTitle: expect.any(String) });
    await end(one);
    await end(two);
    expect((await as(admin).patch(`/api/pool/accounts/${account.id}`, { capacity: 1, active: false })).status).toBe(200);
  });

  it("prefers the teacher's last account over the least recently used one", async () => {
    const accounts = [await buildAccount(app), await buildAccount(app), await buildAccount(app)];
    const teacher = await buildTeacher(app);
    const first = await buildLesson(app, { teacher, minutes: 20 });
    const firstAccount = (await start(first)).body.account.id;
    await end(first);
    // Others use the pool meanwhile, so the teacher's account is now the most recently used.
    const other = await buildLesson(app);
    await start(other);
    await end(other);
    const second = await buildLesson(app, { teacher, startAt: new Date(first.endAt.getTime()) });
    (app.clock as ManualClock).set(second.startAt);
    const { token } = await app.infra.tokens.sign(teacher.user.id, 'teacher');
    const res = await as({ ...teacher, token }).post(`/api/lessons/${second.id}/start`);
    expect(res.body.account.id).toBe(firstAccount);
    await as({ ...teacher, token }).post(`/api/lessons/${second.id}/end`);
    for (const account of accounts) await as({ ...admin, token: (await app.infra.tokens.sign(admin.user.id, 'admin')).token }).delete(`/api/pool/accounts/${account.id}`);
  });
});

describe('account lifecycle and the live admin view', () => {
  it('deactivating a busy account lets its lesson finish and takes it out of allocation; delete keeps history', async () => {
    const adminToken = (await app.infra.tokens.sign(admin.user.id, 'admin')).token;
    const adminNow = { ...admin, token: adminToken };
    const account = await buildAccount(app);
    const lesson = await buildLesson(app);
    expect((await start(lesson)).body.account.id).toBe(account.id);
    const deactivated = await as(adminNow).patch(`/api/pool/accounts/${account.id}`, { active: false });
    expect(deactivated.body).toMatchObject({ active: false, leases: [{ lessonId: lesson.id }] });
    expect((await lessonRow(app, lesson.id)).status).toBe('live');
    const next = await buildLesson(app);
    expect((await start(next)).status).toBe(429);
    const released = await as(adminNow).post(`/api/pool/accounts/${account.id}/release`, { reason: 'Account closed for the audit' });
    expect(released.body).toMatchObject({ released: 1, leases: [] });
    expect((await leasesOf(app, 'lesson_id = ?', [lesson.id]))[0]).toMatchObject({ release_reason: 'admin' });
    expect((await lessonRow(app, lesson.id)).status).toBe('completed');
    expect((await as(adminNow).delete(`/api/pool/accounts/${account.id}`)).body).toEqual({ removed: 'deactivated' });
    const unused = await buildAccount(app, { active: false });
    expect((await as(adminNow).delete(`/api/pool/accounts/${unused.id}`)).body).toEqual({ removed: 'deleted' });
    expect((await as(adminNow).delete(`/api/pool/accounts/${unused.id}`)).status).toBe(404);

    const leases = await as(adminNow).get('/api/pool/leases').query({ active: 'false', limit: 5 });
    expect(leases.body.items.find((l: { lessonId: string }) => l.lessonId === lesson.id)).toMatchObject({ releaseReason: 'admin', accountId: account.id });
    expect((await as(adminNow).get('/api/pool/leases').query({ active: 'yes' })).status).toBe(400);
    const audit = await as(adminNow).get('/api/audit').query({ accountId: account.id, outcome: 'ok' });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['lesson.start', 'lesson.release.admin', 'account.update', 'account.deactivate']));
    expect(audit.body.items.find((e: { action: string }) => e.action === 'lesson.release.admin')).toMatchObject({ actorId: admin.user.id, actorRole: 'admin', ip: expect.any(String) });
    expect((await as(adminNow).get('/api/audit').query({ actorId: lesson.teacher.user.id })).body.items[0]).toMatchObject({ action: 'lesson.start', lessonId: lesson.id });
    expect((await as(adminNow).get('/api/audit').query({ from: 'yesterday' })).status).toBe(400);
  });

  it('admins get a snapshot on connect, pool:changed on every change, and pool:sync on demand; others do not', async () => {
    const adminToken = (await app.infra.tokens.sign(admin.user.id, 'admin')).token;
    const account = await buildAccount(app);
    const adminSocket = app.socket(adminToken);
    const snapshot = await nextEvent<PoolSnapshotPayload>(adminSocket, 'pool:snapshot');
    expect(snapshot.accounts.find((a) => a.id === account.id)).toMatchObject({ leases: [] });
    const lesson = await buildLesson(app);
    // Updates are coalesced: an earlier change's update may still be on its way; wait for this account's.
    const changed = nextEventMatching<PoolChangedPayload>(adminSocket, 'pool:changed', (p) => p.accounts.some((a) => a.id === account.id && a.leases.length > 0));
    const started = await start(lesson);
    const payload = await changed;
    expect(payload.accounts.find((a) => a.id === account.id)).toMatchObject({ id: account.id, leases: [{ lessonId: lesson.id }] });
    expect(payload.stats.inUse).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(payload)).not.toContain(started.body.startUrl);
    const synced = await adminSocket.emitWithAck('pool:sync', {});
    expect(synced.ok).toBe(true);

    const teacherSocket = app.socket(lesson.teacher.token);
    await nextEvent(teacherSocket, 'session:ready');
    const denied = await teacherSocket.emitWithAck('pool:sync', {});
    expect(denied).toMatchObject({ ok: false, error: { code: 'auth/forbidden' } });
    const bad = await adminSocket.emitWithAck('pool:sync', { all: true } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'request/invalid' } });
    await end(lesson);
  });
});
