import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildAdmin, buildTeacher } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, screenshot, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
});

describe('the admin dashboard in the browser', () => {
  it('an admin signs in, sees the users and creates a teacher who can then sign in', async () => {
    const admin = await buildAdmin(forFactories(app), { email: 'olga.admin@example.com', firstName: 'Ольга', lastName: 'Смирнова', locale: 'ru' });
    const { page } = await newPage(browser, app.url);
    await page.goto('/');
    await page.getByRole('button', { name: /Я преподаватель/ }).click();
    await page.waitForURL('**/enter');
    await page.getByLabel('Электронная почта').fill(admin.user.email);
    await page.getByLabel('Пароль', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Продолжить' }).click();

    await page.getByRole('heading', { name: 'Здравствуйте, Ольга!' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link').allInnerTexts()).toEqual(expect.arrayContaining(['Главная', 'Пул аккаунтов', 'Журнал действий', 'Пользователи']));
    await page.getByRole('cell', { name: 'olga.admin@example.com' }).waitFor();

    const form = page.getByRole('form', { name: 'Новый пользователь' });
    await form.getByLabel('Имя').fill('Игорь');
    await form.getByLabel('Фамилия').fill('Петров');
    await form.getByLabel('Электронная почта').fill('igor.teacher@example.com');
    await form.getByLabel('Пароль', { exact: true }).fill('Grammar-Class-7');
    await form.getByLabel('Роль', { exact: true }).selectOption('teacher');
    await form.getByRole('button', { name: 'Создать' }).click();
    await page.getByText('Пользователь igor.teacher@example.com создан.').waitFor();
    await page.getByRole('cell', { name: 'igor.teacher@example.com' }).waitFor();
    await screenshot(page, '09-admin-dashboard');

    // The new teacher signs in with what the admin set, on a phone-sized screen.
    const phone = (await newPage(browser, app.url)).page;
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto('/');
    await phone.getByRole('button', { name: /Я преподаватель/ }).click();
    await phone.getByLabel('Электронная почта').fill('igor.teacher@example.com');
    await phone.getByLabel('Пароль', { exact: true }).fill('Grammar-Class-7');
    await phone.getByRole('button', { name: 'Продолжить' }).click();
    await phone.getByRole('heading', { name: 'Здравствуйте, Игорь!' }).waitFor();
    await phone.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
    await screenshot(phone, '10-teacher-phone');
  });

  it('a teacher is not shown the admin pages and the server refuses them', async () => {
    const teacher = await buildTeacher(forFactories(app), { locale: 'ru' });
    const response = await fetch(`${app.url}/api/admin/users`, { headers: { authorization: `Bearer ${teacher.token}` } });
    expect(response.status).toBe(403);
    const { page } = await newPage(browser, app.url);
    await page.goto('/');
    await page.getByRole('button', { name: /Я преподаватель/ }).click();
    await page.getByLabel('Электронная почта').fill(teacher.user.email);
    await page.getByLabel('Пароль', { exact: true }).fill(teacher.password);
    await page.getByRole('button', { name: 'Продолжить' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Test!' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link').allInnerTexts()).not.toContain('Пользователи');
    await page.goto('/app/users');
    await page.waitForURL((url) => url.pathname === '/app');
    await page.getByRole('heading', { name: 'Ближайшие уроки' }).waitFor();
  });
});
