import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startOAuthProvider, type FakeOAuthProvider } from '../fakes/oauth-provider.js';
import { launchBrowser, newPage, screenshot, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;
let vk: FakeOAuthProvider;
let yandex: FakeOAuthProvider;

beforeAll(async () => {
  vk = await startOAuthProvider('vk');
  yandex = await startOAuthProvider('yandex');
  app = await startE2eApp({ ...vk.env(), ...yandex.env() });
  browser = await launchBrowser();
});
afterAll(async () => {
  await vk.close();
  await yandex.close();
});

describe('VK and Yandex sign-in in the browser', () => {
  it('a student picks the role, signs in with VK and lands on the dashboard', async () => {
    vk.person = { id: 7001, email: 'nina.vk@example.com', firstName: 'Нина', lastName: 'Орлова' };
    const { page } = await newPage(browser, app.url);
    await page.goto('/');
    await page.getByRole('button', { name: /Я ученик/ }).click();
    await page.waitForURL('**/enter');
    await page.getByRole('link', { name: 'Яндекс ID' }).waitFor();
    await screenshot(page, '11-enter-with-oauth');

    await page.getByRole('link', { name: 'VK ID' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Нина!' }).waitFor();
    await page.getByTestId('user-name').filter({ hasText: 'Нина Орлова' }).waitFor();
    await page.getByTestId('user-name').filter({ hasText: 'Ученик' }).waitFor();
    await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
  });

  it('without a chosen role a new OAuth user is sent back to the role choice with an explanation', async () => {
    yandex.person = { id: 8002, email: 'new.yandex@example.com', firstName: 'Олег', lastName: 'Ким' };
    const { page } = await newPage(browser, app.url);
    await page.goto('/enter');
    await page.getByRole('link', { name: 'Яндекс ID' }).click();
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('error') === 'role-required');
    await page.getByRole('alert').filter({ hasText: 'Сначала выберите роль, затем войдите через VK или Яндекс.' }).waitFor();
    await screenshot(page, '12-oauth-role-required');
  });
});
