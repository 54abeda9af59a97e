import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { LIMITS } from '@tp/shared';
import { buildTeacher } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, ShiftedClock, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;
const clock = new ShiftedClock();

beforeAll(async () => {
  app = await startE2eApp({}, clock);
  browser = await launchBrowser();
});

describe('an expired access token in the browser', () => {
  it('is refreshed on the 401 and the call retried, while the live socket stays the same connection', async () => {
    const teacher = await buildTeacher(forFactories(app), { firstName: 'Вера', locale: 'ru' });
    const { page } = await newPage(browser, app.url);
    await page.goto('/');
    await page.getByRole('button', { name: /Я преподаватель/ }).click();
    await page.getByLabel('Электронная почта').fill(teacher.user.email);
    await page.getByLabel('Пароль', { exact: true }).fill(teacher.password);
    await page.getByRole('button', { name: 'Продолжить' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Вера!' }).waitFor();
    await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
    const before = (await app.io.fetchSockets()).map((socket) => socket.id);
    expect(before).toHaveLength(1);

    // The server now sees the browser's access token as expired.
    clock.offsetMs = (LIMITS.accessTokenSeconds + 60) * 1000;
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/api/auth/refresh') && response.status() === 200);
    const saved = page.waitForResponse((response) => response.url().endsWith('/api/users/me') && response.status() === 200);
    await page.getByRole('button', { name: 'EN' }).click(); // PATCH /api/users/me {locale}
    await refreshed;
    await saved;
    await page.getByRole('heading', { name: 'Hello, Вера!' }).waitFor();

    const [socket] = await app.io.fetchSockets();
    expect(socket?.id).toBe(before[0]);
    expect(socket?.data.tokenExpiresAt).toBeGreaterThan(clock.now().getTime());
    await page.getByTestId('connection').filter({ hasText: 'Online' }).waitFor();
    const profile = await app.ctx.services.users.getById(teacher.user.id);
    expect(profile.locale).toBe('en');
  });
});
