import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildStudent } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
});

const calendarLoad = (page: Page) => page.waitForRequest((request) => request.url().includes('/api/calendar?'), { timeout: 15_000 });

async function oneSocketId(): Promise<string> {
  const sockets = await app.io.fetchSockets();
  expect(sockets).toHaveLength(1);
  return sockets[0]!.id;
}

describe('the live connection in the browser', () => {
  it('reconnects after a dropped connection or a server hang-up and the dashboard reloads its data', async () => {
    const student = await buildStudent(forFactories(app), { firstName: 'Лея', locale: 'ru' });
    const { page } = await newPage(browser, app.url);
    await page.goto('/');
    await page.getByRole('button', { name: /Я ученик/ }).click();
    await page.getByLabel('Электронная почта').fill(student.user.email);
    await page.getByLabel('Пароль', { exact: true }).fill(student.password);
    await page.getByRole('button', { name: 'Продолжить' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Лея!' }).waitFor();
    const connected = page.getByTestId('connection').filter({ hasText: 'В сети' });
    await connected.waitFor();
    const first = await oneSocketId();

    // The transport drops (network blip, a node restarting): socket.io reconnects, the view resyncs.
    let reload = calendarLoad(page);
    for (const socket of await app.io.fetchSockets()) (socket as unknown as { conn: { close(): void } }).conn.close();
    await reload;
    await connected.waitFor();
    const second = await oneSocketId();
    expect(second).not.toBe(first);

    // The server hangs up on purpose (as when a token runs out): the client refreshes and reconnects.
    reload = calendarLoad(page);
    app.io.disconnectSockets(true);
    await reload;
    await connected.waitFor();
    expect(await oneSocketId()).not.toBe(second);
  });
});
