import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
});

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { name });

async function signOut(page: Page) {
  await page.getByRole('button', { name: /Выйти|Sign out/ }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await heading(page, /Кто вы\?|Who are you\?/).waitFor();
}

describe('signing in through the browser', () => {
  it('role first: a new teacher signs up with email and password, signs out and signs back in', async () => {
    const { page } = await newPage(browser, app.url);
    const email = `maria.teacher@example.com`;
    const password = 'Lesson-Plan-42';

    await page.goto('/app');
    await page.waitForURL((url) => url.pathname === '/'); // signed-out visitors go to the role choice
    await heading(page, 'Кто вы?').waitFor();
    await screenshot(page, '01-landing');

    await page.getByRole('button', { name: /Я преподаватель/ }).click();
    await page.waitForURL('**/enter');
    await page.getByText('Роль: Преподаватель').waitFor();
    await page.getByLabel('Электронная почта').fill(email);
    await page.getByLabel('Пароль', { exact: true }).fill(password);
    await screenshot(page, '02-enter');
    await page.getByRole('button', { name: 'Продолжить' }).click();

    await page.waitForURL('**/app');
    await heading(page, 'Здравствуйте, maria.teacher!').waitFor();
    await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
    expect(await page.getByTestId('user-name').innerText()).toContain('maria.teacher');
    const teacherNav = await page.getByRole('navigation').getByRole('link').allInnerTexts();
    expect(teacherNav).toEqual(expect.arrayContaining(['Главная', 'Расписание', 'Группы']));
    expect(teacherNav).not.toContain('Пользователи');
    await screenshot(page, '03-teacher-dashboard');

    await signOut(page);
    await page.getByRole('button', { name: /Я преподаватель/ }).click();
    await page.waitForURL('**/enter');
    await page.getByLabel('Электронная почта').fill(email);
    await page.getByLabel('Пароль', { exact: true }).fill('Wrong-password-1');
    await page.getByRole('button', { name: 'Продолжить' }).click();
    await page.getByRole('alert').filter({ hasText: 'Неверная почта или пароль.' }).waitFor();
    await screenshot(page, '04-wrong-password');

    await page.getByLabel('Пароль', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Продолжить' }).click();
    await page.waitForURL('**/app');
    await heading(page, 'Здравствуйте, maria.teacher!').waitFor();

    // A reload keeps the session (the refresh cookie restores it).
    await page.reload();
    await heading(page, 'Здравствуйте, maria.teacher!').waitFor();
    await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
  });

  it('a student registers, confirms the email from the dev mailbox, and the chosen language follows the profile', async () => {
    const { page } = await newPage(browser, app.url);
    await page.goto('/');
    await page.getByRole('button', { name: /Я ученик/ }).click();
    await page.waitForURL('**/enter');
    await page.getByRole('link', { name: 'Полная регистрация' }).click();
    await page.waitForURL('**/register');
    await expect(page.getByLabel('Ученик').isChecked()).resolves.toBe(true);
    await page.getByLabel('Имя').fill('Пётр');
    await page.getByLabel('Фамилия').fill('Иванов');
    await page.getByLabel('Электронная почта').fill('petr.student@example.com');
    await page.getByLabel('Пароль', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.getByText('Не короче 8 символов: строчная и заглавная буквы и цифра.').first().waitFor();
    await screenshot(page, '05-register-weak-password');

    await page.getByLabel('Пароль', { exact: true }).fill('Homework-2026');
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.waitForURL('**/app');
    await heading(page, 'Здравствуйте, Пётр!').waitFor();
    expect(await page.getByTestId('user-name').innerText()).toContain('Пётр Иванов');
    const studentNav = await page.getByRole('navigation').getByRole('link').allInnerTexts();
    expect(studentNav).toEqual(expect.arrayContaining(['Главная', 'Расписание']));
    expect(studentNav).not.toContain('Пользователи');
    await page.getByRole('status').filter({ hasText: 'Подтвердите почту' }).waitFor();
    await screenshot(page, '06-student-dashboard');
    await page.getByRole('button', { name: 'Отправить письмо ещё раз' }).click();
    await page.getByText('Письмо отправлено.').waitFor();

    await page.goto('/dev/mailbox');
    await page.getByText('petr.student@example.com').first().waitFor();
    await screenshot(page, '07-mailbox');
    await page.getByRole('link', { name: /\/confirm-email\?token=/ }).first().click();
    await page.waitForURL('**/confirm-email?token=*');
    await page.getByText('Почта подтверждена. Спасибо!').waitFor();

    // Switching the language while signed in saves it to the profile…
    await page.goto('/app');
    await heading(page, 'Здравствуйте, Пётр!').waitFor();
    await page.getByRole('button', { name: 'EN' }).click();
    await heading(page, 'Hello, Пётр!').waitFor();
    await page.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    await screenshot(page, '08-student-dashboard-en');

    // …so a browser that never saw the choice opens in English after signing in.
    const fresh = (await newPage(browser, app.url)).page;
    await fresh.goto('/');
    await fresh.getByRole('button', { name: /Я ученик/ }).click();
    await fresh.waitForURL('**/enter');
    await fresh.getByLabel('Электронная почта').fill('petr.student@example.com');
    await fresh.getByLabel('Пароль', { exact: true }).fill('Homework-2026');
    await fresh.getByRole('button', { name: 'Продолжить' }).click();
    await heading(fresh, 'Hello, Пётр!').waitFor();
    await signOut(fresh);
    await heading(fresh, 'Who are you?').waitFor();
  });
});
