import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { LIMITS } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildStudent, buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { startOAuthProvider } from '../../fakes/oauth-provider.js';
import { Browser } from './browser.js';

/**
 * Sign-in counts failures only. Every test signs in from its own made-up public address (behind a
 * trusted proxy), so runs against the shared Redis never see each other's counts.
 */
const randomAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
const PER_ACCOUNT = LIMITS.signIn.failuresPerAccountAndAddress;

function signInFrom(app: TestApp, address: string) {
  return (email: string, password: string) => request(app.url).post('/api/auth/login').set('X-Forwarded-For', address).send({ email, password });
}

const countVerifications = async (app: TestApp) => (await app.infra.metrics.passwordHashes.get()).values.find((v) => v.labels.operation === 'verify')?.value ?? 0;

describe.each([
  ['single-node (memory)', false],
  ['Redis', true],
])('sign-in failure limits, %s', (_mode, redis) => {
  const appWith = (env: Record<string, string> = {}) => createTestApp({ redis, env: { TRUST_PROXY: 'true', ...env } });

  it('lets a class of 200 students behind one address sign in together, typos included', async () => {
    const app = await appWith();
    const students = [];
    for (let i = 0; i < 200; i += 20) students.push(...(await Promise.all(Array.from({ length: 20 }, () => buildStudent(app)))).map((s) => s.user));
    const signIn = signInFrom(app, randomAddress());
    // A quarter of the class mistypes once first, as classes do.
    const typos = await Promise.all(students.slice(0, 50).map((s) => signIn(s.email, 'Wr0ngPassword')));
    expect(typos.map((r) => r.status)).toEqual(Array(50).fill(401));
    const results = await Promise.all(students.map((s) => signIn(s.email, DEFAULT_PASSWORD)));
    expect(results.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
    expect(new Set(results.map((r) => r.body.user.id)).size).toBe(200);
  }, 180_000);

  it('stops wrong passwords for one account, then refuses even the right one with Retry-After', async () => {
    const app = await appWith();
    const { user } = await buildTeacher(app);
    const address = randomAddress();
    const signIn = signInFrom(app, address);
    for (let i = 0; i < PER_ACCOUNT; i++) expect((await signIn(user.email, 'Wr0ngPassword')).status).toBe(401);
    const before = await countVerifications(app);
    const blocked = await signIn(user.email.toUpperCase(), DEFAULT_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate/limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // A blocked attempt costs no hashing.
    expect(await countVerifications(app)).toBe(before);

    // The guessing stops only that account from that address.
    const other = await buildTeacher(app);
    expect((await signIn(other.user.email, DEFAULT_PASSWORD)).status).toBe(200);
    expect((await signInFrom(app, randomAddress())(user.email, DEFAULT_PASSWORD)).status).toBe(200);
  });

  it('counts guesses in flight at once, so a burst cannot overrun the budget', async () => {
    const app = await appWith();
    const { user } = await buildTeacher(app);
    const signIn = signInFrom(app, randomAddress());
    const before = await countVerifications(app);
    const burst = await Promise.all(Array.from({ length: PER_ACCOUNT * 3 }, () => signIn(user.email, 'Wr0ngPassword')));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(PER_ACCOUNT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(PER_ACCOUNT * 2);
    expect((await countVerifications(app)) - before).toBe(PER_ACCOUNT);
  });

  it("a successful sign-in resets the account's count", async () => {
    const app = await appWith();
    const { user } = await buildStudent(app);
    const signIn = signInFrom(app, randomAddress());
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < PER_ACCOUNT - 1; i++) expect((await signIn(user.email, 'Wr0ngPassword')).status).toBe(401);
      expect((await signIn(user.email, DEFAULT_PASSWORD)).status).toBe(200);
    }
  });

  it('gives one address a larger budget of failures across accounts; successes never use it', async () => {
    const budget = 12;
    const app = await appWith({ SIGN_IN_ADDRESS_FAILURES_PER_DAY: String(budget) });
    const address = randomAddress();
    const signIn = signInFrom(app, address);
    const known = await buildStudent(app);
    for (let i = 0; i < budget * 2; i++) expect((await signIn(known.user.email, DEFAULT_PASSWORD)).status).toBe(200);

    const browser = new Browser(app.url);
    await browser.chooseRole('student');
    const fromAddress = { headers: { 'X-Forwarded-For': address } };
    for (let i = 0; i < budget; i++) {
      const res =
        i % 2
          ? await signIn(`nobody${i}@example.test`, 'Wr0ngPassword')
          : await browser.post('/api/auth/enter', { email: (await buildStudent(app)).user.email, password: 'Wr0ngPassword' }, fromAddress);
      expect(res.status).toBe(401);
    }
    const login = await signIn((await buildStudent(app)).user.email, DEFAULT_PASSWORD);
    expect(login.status).toBe(429);
    expect(login.headers['retry-after']).toMatch(/^\d+$/);
    const enter = await browser.post('/api/auth/enter', { email: 'fresh2@example.test', password: 'Str0ngPass' }, fromAddress);
    expect(enter.status).toBe(429);
    expect(await app.ctx.services.users.findByEmail('fresh2@example.test')).toBeNull();
    // A school elsewhere is unaffected.
    expect((await signInFrom(app, randomAddress())(known.user.email, DEFAULT_PASSWORD)).status).toBe(200);
  });
});

describe('OAuth sign-in limits', () => {
  it('counts failed OAuth callbacks against the address', async () => {
    const vk = await startOAuthProvider('vk');
    try {
      const budget = 5;
      const app = await createTestApp({ env: { ...vk.env(), SIGN_IN_ADDRESS_FAILURES_PER_DAY: String(budget) } });
      const browser = new Browser(app.url);
      const statuses: number[] = [];
      for (let i = 0; i <= budget; i++) statuses.push((await browser.get('/api/auth/oauth/vk/callback?code=abc&state=def')).status);
      expect(statuses.slice(0, budget)).toEqual(Array(budget).fill(302));
      expect(statuses[budget]).toBe(429);
    } finally {
      await vk.close();
    }
  });
});
