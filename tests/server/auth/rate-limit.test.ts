import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { LIMITS } from '@tp/shared';
import { createTestApp } from '../../setup/app.js';
import { buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { startOAuthProvider } from '../../fakes/oauth-provider.js';
import { Browser } from './browser.js';

describe('sign-in rate limits', () => {
  it('limits attempts per email, even with the right password afterwards', async () => {
    const app = await createTestApp();
    const { user } = await buildTeacher(app);
    for (let i = 0; i < LIMITS.signIn.perEmailPerMinute; i++) {
      const res = await request(app.url).post('/api/auth/login').send({ email: user.email, password: 'Wr0ngPassword' });
      expect(res.status).toBe(401);
    }
    const blocked = await request(app.url).post('/api/auth/login').send({ email: user.email.toUpperCase(), password: DEFAULT_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate/limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);

    // Another account from the same address is still fine.
    const other = await buildTeacher(app);
    expect((await request(app.url).post('/api/auth/login').send({ email: other.user.email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it('limits attempts per address across emails, for login and enter alike', async () => {
    const app = await createTestApp();
    const browser = new Browser(app.url);
    await browser.chooseRole('student');
    let status = 0;
    for (let i = 0; i < LIMITS.signIn.perIpPerMinute; i++) {
      const path = i % 2 ? '/api/auth/login' : '/api/auth/enter';
      status = (await browser.post(path, { email: `nobody${i}@example.test`, password: 'x' })).status;
      expect(status).not.toBe(429);
    }
    const login = await browser.post('/api/auth/login', { email: 'fresh@example.test', password: 'Wr0ngPassword' });
    expect(login.status).toBe(429);
    expect(login.headers.get('retry-after')).toMatch(/^\d+$/);
    const enter = await browser.post('/api/auth/enter', { email: 'fresh2@example.test', password: 'Str0ngPass' });
    expect(enter.status).toBe(429);
    expect(await app.ctx.services.users.findByEmail('fresh2@example.test')).toBeNull();
  });

  it('limits OAuth callbacks per address', async () => {
    const vk = await startOAuthProvider('vk');
    try {
      const app = await createTestApp({ env: vk.env() });
      const browser = new Browser(app.url);
      let last = 0;
      for (let i = 0; i <= LIMITS.signIn.perIpPerMinute; i++) {
        last = (await browser.get('/api/auth/oauth/vk/callback?code=abc&state=def')).status;
      }
      expect(last).toBe(429);
    } finally {
      await vk.close();
    }
  });
});
