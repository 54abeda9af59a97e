import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildStudent } from '../../factories/users.js';
import { startOAuthProvider, type FakeOAuthProvider } from '../../fakes/oauth-provider.js';
import { Browser } from './browser.js';

let app: TestApp;
let vk: FakeOAuthProvider;
let yandex: FakeOAuthProvider;

beforeAll(async () => {
  vk = await startOAuthProvider('vk');
  yandex = await startOAuthProvider('yandex');
  app = await createTestApp({ env: { ...vk.env(), ...yandex.env() } });
});
afterAll(async () => {
  await vk.close();
  await yandex.close();
});

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}@example.test`;
let nextId = 1000;

/** Browser: (choose a role) → /api/auth/oauth/:provider → provider → callback → final page. */
async function dance(provider: 'vk' | 'yandex', role?: 'teacher' | 'student', browser = new Browser(app.url)) {
  if (role) await browser.chooseRole(role);
  const hops = await browser.navigate(`/api/auth/oauth/${provider}`);
  // The last redirect is to a client page (not built in tests); that target is what matters.
  return { browser, hops, final: hops.findLast((hop) => hop.location)?.location ?? '' };
}

async function accessTokenAfter(browser: Browser) {
  if (!browser.csrfToken) await browser.loadCsrf();
  const res = await browser.post('/api/auth/refresh');
  expect(res.status).toBe(200);
  return res.body as { accessToken: string; user: { id: string; email: string; role: string; firstName: string; emailVerified: boolean } };
}

describe.each([
  ['vk' as const, () => vk],
  ['yandex' as const, () => yandex],
])('%s sign-in', (provider, fake) => {
  it('lists the provider as enabled', async () => {
    const res = await request(app.url).get('/api/auth/providers');
    expect(res.body.providers).toEqual(['vk', 'yandex']);
  });

  it('creates a new user with the chosen role, then signs the same person in again', async () => {
    const email = unique(provider);
    fake().person = { id: nextId++, email, firstName: 'Пётр', lastName: 'Сидоров' };
    const { browser, hops, final } = await dance(provider, 'teacher');

    const authorize = new URL(hops[0]!.location!);
    expect(authorize.origin).toBe(fake().url);
    expect(authorize.searchParams.get('client_id')).toBe(fake().clientId);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.url}/api/auth/oauth/${provider}/callback`);
    expect(final).toBe('/auth/complete');
    expect(fake().tokenRequests.at(-1)).toMatchObject({ grant_type: 'authorization_code', client_secret: fake().clientSecret });

    const session = await accessTokenAfter(browser);
    expect(session.user).toMatchObject({ email, role: 'teacher', firstName: 'Пётр', emailVerified: true });

    // A second visit (another role chosen, another browser) lands on the same account.
    const again = await dance(provider, 'student');
    expect(again.final).toBe('/auth/complete');
    expect((await accessTokenAfter(again.browser)).user).toMatchObject({ id: session.user.id, role: 'teacher' });
  });

  it('links to the existing account with the same email, which keeps its role', async () => {
    const { user } = await buildStudent(app);
    fake().person = { id: nextId++, email: user.email.toUpperCase(), firstName: 'X', lastName: 'Y' };
    const { browser, final } = await dance(provider, 'teacher');
    expect(final).toBe('/auth/complete');
    expect((await accessTokenAfter(browser)).user).toMatchObject({ id: user.id, role: 'student', firstName: user.firstName });
  });

  it('sends a newcomer without a chosen role back to the role choice', async () => {
    const email = unique(`${provider}-norole`);
    fake().person = { id: nextId++, email, firstName: 'N', lastName: 'R' };
    const { final, browser } = await dance(provider);
    expect(final).toBe('/?error=role-required');
    expect(browser.cookies.has('tp_refresh')).toBe(false);
    expect(await app.ctx.services.users.findByEmail(email)).toBeNull();
  });

  it('refuses a callback whose state does not match the browser', async () => {
    fake().person = { id: nextId++, email: unique(`${provider}-csrf`), firstName: 'A', lastName: 'B' };
    const victim = new Browser(app.url);
    await victim.chooseRole('student');
    const attacker = new Browser(app.url);
    const start = await attacker.get(`/api/auth/oauth/${provider}`);
    const atProvider = await attacker.get(start.location!);
    // The attacker's callback URL (with the attacker's code and state) opened in the victim's browser:
    const callback = await victim.get(atProvider.location!);
    expect(callback.location).toBe('/?error=oauth-state');
    expect(victim.cookies.has('tp_refresh')).toBe(false);
  });

  it('reports a denied consent', async () => {
    fake().deny = true;
    try {
      const { final } = await dance(provider, 'student');
      expect(final).toBe('/?error=oauth-denied');
    } finally {
      fake().deny = false;
    }
  });
});

describe('provider configuration', () => {
  it('disables providers without a client id', async () => {
    const bare = await createTestApp();
    expect((await request(bare.url).get('/api/auth/providers')).body.providers).toEqual([]);
    const res = await request(bare.url).get('/api/auth/oauth/vk');
    expect(res.status).toBe(404);
    expect((await request(bare.url).get('/api/auth/oauth/facebook')).status).toBe(400);
  });

  it('refuses a VK account that shares no email', async () => {
    vk.person = { id: nextId++, email: null, firstName: 'No', lastName: 'Mail' };
    const { final } = await dance('vk', 'student');
    expect(final).toBe('/?error=oauth-failed');
  });

  it('fails cleanly when the code is not accepted', async () => {
    const browser = new Browser(app.url);
    await browser.chooseRole('student');
    const start = await browser.get('/api/auth/oauth/yandex');
    const state = new URL(start.location!).searchParams.get('state')!;
    const res = await browser.get(`/api/auth/oauth/yandex/callback?code=bogus&state=${state}`);
    expect(res.location).toBe('/?error=oauth-failed');
  });
});
