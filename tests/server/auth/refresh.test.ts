import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { Browser, cookieLine } from './browser.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});

async function signedInBrowser() {
  const { user } = await buildTeacher(app);
  const browser = new Browser(app.url);
  await browser.loadCsrf();
  const res = await browser.post('/api/auth/login', { email: user.email, password: DEFAULT_PASSWORD });
  expect(res.status).toBe(200);
  return { browser, user };
}

const refreshRows = (userId: string) =>
  app.infra.orm.em.fork().getConnection().execute<Array<{ family_id: string; used_at: Date | null; revoked_at: Date | null }>>(
    'select family_id, used_at, revoked_at from refresh_tokens where user_id = ? order by created_at, id',
    [userId],
  );

describe('refresh tokens', () => {
  it('rotates: each refresh answers a new access token and replaces the cookie', async () => {
    const { browser, user } = await signedInBrowser();
    const first = browser.cookies.get('tp_refresh');
    const res = await browser.post('/api/auth/refresh');
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(user.id);
    const claims = await app.infra.tokens.verify(res.body.accessToken);
    expect(claims).toMatchObject({ userId: user.id, role: 'teacher' });
    const second = browser.cookies.get('tp_refresh');
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(cookieLine(res, 'tp_refresh')).toMatch(/HttpOnly/);
    const rows = await refreshRows(user.id);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.family_id)).size).toBe(1);
    // The clock stands still, so both rows share created_at: count rather than rely on order.
    expect(rows.filter((r) => r.used_at !== null)).toHaveLength(1);
  });

  it('stores only a hash of the token', async () => {
    const { browser, user } = await signedInBrowser();
    const token = browser.cookies.get('tp_refresh')!;
    const stored = await app.infra.orm.em.fork().getConnection().execute<Array<{ token_hash: string }>>('select token_hash from refresh_tokens where user_id = ?', [user.id]);
    expect(stored[0]!.token_hash).toHaveLength(64);
    expect(stored[0]!.token_hash).not.toContain(token);
  });

  it('treats a reused token as theft: the whole family is revoked', async () => {
    const { browser, user } = await signedInBrowser();
    const stolen = browser.cookies.get('tp_refresh')!;
    expect((await browser.post('/api/auth/refresh')).status).toBe(200);
    const legit = browser.cookies.get('tp_refresh')!;

    const attacker = new Browser(app.url);
    await attacker.loadCsrf();
    attacker.cookies.set('tp_refresh', stolen);
    const replay = await attacker.post('/api/auth/refresh');
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('auth/unauthenticated');

    browser.cookies.set('tp_refresh', legit);
    const afterTheft = await browser.post('/api/auth/refresh');
    expect(afterTheft.status).toBe(401);
    expect((await refreshRows(user.id)).every((r) => r.revoked_at !== null)).toBe(true);
  });

  it('keeps other sign-ins (families) alive when one family is revoked', async () => {
    const { user } = await buildTeacher(app);
    const laptop = new Browser(app.url);
    const phone = new Browser(app.url);
    for (const b of [laptop, phone]) {
      await b.loadCsrf();
      await b.post('/api/auth/login', { email: user.email, password: DEFAULT_PASSWORD });
    }
    const old = laptop.cookies.get('tp_refresh')!;
    await laptop.post('/api/auth/refresh');
    laptop.cookies.set('tp_refresh', old);
    expect((await laptop.post('/api/auth/refresh')).status).toBe(401);
    expect((await phone.post('/api/auth/refresh')).status).toBe(200);
  });

  it('answers 401 without a cookie or with an unknown one', async () => {
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);
    browser.cookies.set('tp_refresh', 'made-up-token');
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);
  });

  it('expires after the refresh lifetime (injected clock)', async () => {
    const { browser } = await signedInBrowser();
    (app.clock as import('../../../server/src/infra/clock.js').ManualClock).advance(31 * 24 * 3600 * 1000);
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);
  });

  it('stops working for a deactivated user', async () => {
    const { browser, user } = await signedInBrowser();
    const { user: admin } = await buildTeacher(app);
    await app.ctx.services.users.adminUpdate({ userId: admin.id, role: 'admin' }, user.id, { active: false });
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);
  });
});

describe('logout', () => {
  it('revokes the family and clears the cookie', async () => {
    const { browser, user } = await signedInBrowser();
    const token = browser.cookies.get('tp_refresh')!;
    const res = await browser.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(cookieLine(res, 'tp_refresh')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(browser.cookies.has('tp_refresh')).toBe(false);
    browser.cookies.set('tp_refresh', token);
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);
    expect((await refreshRows(user.id)).every((r) => r.revoked_at !== null)).toBe(true);
  });

  it('is harmless without a session', async () => {
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    expect((await browser.post('/api/auth/logout')).status).toBe(204);
  });
});

describe('cookie security', () => {
  it('marks the refresh cookie Secure when the public address is https', async () => {
    const secureApp = await createTestApp({ env: { PUBLIC_URL: 'https://panel.example.test' } });
    const { user } = await buildTeacher(secureApp);
    const browser = new Browser(secureApp.url);
    const res = await browser.post('/api/auth/login', { email: user.email, password: DEFAULT_PASSWORD });
    expect(cookieLine(res, 'tp_refresh')).toMatch(/Secure/);
  });
});
