import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import argon2 from 'argon2';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildStudent, buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { User } from '../../../server/src/modules/users/user.entity.js';
import { Browser } from './browser.js';

const CURRENT = /^\$argon2id\$v=19\$m=12288,t=3,p=1\$/;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { TRUST_PROXY: 'true' } });
});

async function storedHash(userId: string): Promise<string | null> {
  const user = await app.infra.orm.em.fork().findOneOrFail(User, userId, { populate: ['passwordHash'] });
  return user.passwordHash;
}

async function store(userId: string, passwordHash: string): Promise<void> {
  await app.infra.orm.em.fork().nativeUpdate(User, { id: userId }, { passwordHash });
}

const login = (email: string, password: string) => request(app.url).post('/api/auth/login').send({ email, password });

/** argon2 operations the server ran, by kind. */
async function hashWork(): Promise<{ verify: number; hash: number }> {
  const { values } = await app.infra.metrics.passwordHashes.get();
  const of = (operation: string) => values.find((v) => v.labels.operation === operation)?.value ?? 0;
  return { verify: of('verify'), hash: of('hash') };
}

async function workOf(action: () => Promise<unknown>): Promise<{ verify: number; hash: number }> {
  const before = await hashWork();
  await action();
  const after = await hashWork();
  return { verify: after.verify - before.verify, hash: after.hash - before.hash };
}

describe('password storage', () => {
  it('stores new passwords with the OWASP argon2id parameters', async () => {
    const email = `new-${Math.random().toString(36).slice(2, 8)}@example.test`;
    const res = await request(app.url)
      .post('/api/auth/register')
      .send({ email, password: 'Str0ngPass', firstName: 'A', lastName: 'B', role: 'student' });
    expect(res.status).toBe(201);
    expect(await storedHash(res.body.user.id)).toMatch(CURRENT);
  });

  it('re-hashes an old-parameter hash at the next successful sign-in, once', async () => {
    const { user } = await buildStudent(app);
    const old = await argon2.hash(DEFAULT_PASSWORD, { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
    await store(user.id, old);

    // A wrong password changes nothing.
    expect((await login(user.email, 'Wr0ngPassword')).status).toBe(401);
    expect(await storedHash(user.id)).toBe(old);

    expect((await login(user.email, DEFAULT_PASSWORD)).status).toBe(200);
    const upgraded = await storedHash(user.id);
    expect(upgraded).toMatch(CURRENT);
    expect(upgraded).not.toBe(old);

    // The new hash signs in and is kept as it is.
    const work = await workOf(async () => expect((await login(user.email, DEFAULT_PASSWORD)).status).toBe(200));
    expect(work).toEqual({ verify: 1, hash: 0 });
    expect(await storedHash(user.id)).toBe(upgraded);
  });

  it('keeps a current hash as stored', async () => {
    const { user } = await buildTeacher(app);
    const before = await storedHash(user.id);
    expect((await login(user.email, DEFAULT_PASSWORD)).status).toBe(200);
    expect(await storedHash(user.id)).toBe(before);
  });
});

describe('equal work for unknown and known emails', () => {
  it('verifies exactly one hash for an unknown email, a wrong password and a deactivated account alike', async () => {
    const { user } = await buildTeacher(app);
    const inactive = await buildStudent(app);
    await app.ctx.services.users.adminUpdate({ userId: '00000000-0000-4000-8000-000000000000', role: 'admin' }, inactive.user.id, { active: false });

    const unknown = await workOf(async () => expect((await login('ghost-' + user.email, 'Wr0ngPassword')).status).toBe(401));
    const wrong = await workOf(async () => expect((await login(user.email, 'Wr0ngPassword')).status).toBe(401));
    const deactivated = await workOf(async () => expect((await login(inactive.user.email, DEFAULT_PASSWORD)).status).toBe(401));
    const right = await workOf(async () => expect((await login(user.email, DEFAULT_PASSWORD)).status).toBe(200));
    for (const work of [unknown, wrong, deactivated, right]) expect(work).toEqual({ verify: 1, hash: 0 });
  });

  it('verifies one hash on the role-first entry of an existing email with a wrong password', async () => {
    const { user } = await buildStudent(app);
    const browser = new Browser(app.url);
    await browser.chooseRole('student');
    const work = await workOf(async () => expect((await browser.post('/api/auth/enter', { email: user.email, password: 'Wr0ngPassword' })).status).toBe(401));
    expect(work).toEqual({ verify: 1, hash: 0 });
  });
});

describe('hashing queue', () => {
  it('keeps answering other API calls while sign-ins wait for hashing', async () => {
    const { token } = await buildTeacher(app);
    const flood = Array.from({ length: 60 }, (_, i) =>
      request(app.url)
        .post('/api/auth/login')
        .set('X-Forwarded-For', `10.99.${Math.floor(i / 250)}.${(i % 250) + 1}`)
        // supertest sends on then(); the flood must be on its way before the other call.
        .send({ email: `flood${i}@example.test`, password: 'Wr0ngPassword' })
        .then((res) => res.status),
    );
    const { signIns, passwords } = app.infra;
    // The whole attempt takes turns: one more at a time than there are hashing threads.
    expect(signIns.concurrency).toBe(passwords.concurrency + 1);
    let mostSignIns = 0;
    let mostHashes = 0;
    const watch = setInterval(() => {
      mostSignIns = Math.max(mostSignIns, signIns.active);
      mostHashes = Math.max(mostHashes, passwords.active);
    }, 1);
    while (signIns.queued === 0) await new Promise((r) => setTimeout(r, 5));
    expect(signIns.queued).toBeLessThanOrEqual(60);

    const me = await request(app.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
    // Answered while sign-ins were still waiting for their turn.
    expect(signIns.queued).toBeGreaterThan(0);
    const exported = await app.infra.metrics.registry.getSingleMetricAsString('sign_in_queue_length');
    expect(exported).toMatch(/^sign_in_queue_length [1-9]\d*$/m);

    expect(await Promise.all(flood)).toEqual(Array(60).fill(401));
    clearInterval(watch);
    expect(signIns.queued).toBe(0);
    expect(mostSignIns).toBe(signIns.concurrency);
    expect(mostHashes).toBeLessThanOrEqual(passwords.concurrency);
    expect(passwords.queued).toBe(0);
  }, 120_000);

  it('reports its hashing threads in health: one per slot, niced where the OS allows it', async () => {
    const res = await request(app.url).get('/api/health');
    expect(res.body.hashing).toEqual({ threads: app.infra.passwords.concurrency, niced: process.platform === 'linux' });
  });
});
