import { afterAll } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createInfra, type Infra } from '../../server/src/infra/container.js';
import { systemClock, type Clock } from '../../server/src/infra/clock.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { testEnv, type TestApp } from '../setup/app.js';
import { createTestDatabase } from '../setup/test-db.js';
import { chromiumPath } from '../setup/chromium.js';

const root = path.resolve(import.meta.dirname, '../..');
export const CLIENT_DIR = path.join(root, 'client/build');
export const SCREENSHOTS = path.join(import.meta.dirname, 'screenshots');

export interface E2eApp extends RunningServer {
  infra: Infra;
  clock: Clock;
  databaseUrl: string;
}

/** The user factories take a TestApp but only use `infra` and `clock`, which an E2eApp has. */
export const forFactories = (app: E2eApp) => app as unknown as TestApp;

/** Real time, optionally shifted forward on the server only (to make access tokens expire). */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** The real server serving the built client, over this file's own database, with the real clock. */
export async function startE2eApp(env: Record<string, string> = {}, clock: Clock = systemClock): Promise<E2eApp> {
  const database = await createTestDatabase();
  const config = testEnv({ DATABASE_URL: database.url, ...env });
  const infra = await createInfra(config, { clock, logger: createLogger(config.LOG_LEVEL) });
  const server = await startServer(infra, 0, { clientDir: CLIENT_DIR });
  const app: E2eApp = {
    ...server,
    infra,
    clock,
    databaseUrl: database.url,
    async close() {
      await server.close();
      await infra.close();
      await database.drop();
    },
  };
  afterAll(() => app.close());
  return app;
}

/** A headless Chromium found on this machine or inside an npm package; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: await chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  afterAll(() => browser.close());
  return browser;
}

/** A fresh browser profile (own cookies and storage), Russian by default like a new visitor's. */
export async function newPage(browser: Browser, baseURL: string, locale = 'ru-RU'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, locale, timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs `who` in through the landing page's role choice and waits until the live connection is up. */
export async function signIn(page: Page, who: { user: { email: string }; password: string }, roleButton: RegExp = /Я преподаватель/): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: roleButton }).click();
  await page.waitForURL('**/enter');
  await page.getByLabel('Электронная почта').fill(who.user.email);
  await page.getByLabel('Пароль', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.waitForURL('**/app');
  await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
}
