import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildStudent, buildTeacher, type BuiltUser } from '../factories/users.js';
import { wholeHistoryOf, write } from './chat-support.js';
import { forFactories, launchBrowser, newPage, screenshot, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
});

async function signIn(page: Page, user: BuiltUser, role: 'teacher' | 'student') {
  await page.goto('/');
  await page.getByRole('button', { name: role === 'student' ? /Я ученик/ : /Я преподаватель/ }).click();
  await page.getByLabel('Электронная почта').fill(user.user.email);
  await page.getByLabel('Пароль', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page
    .getByTestId('connection')
    .filter({ hasText: 'В сети' })
    .waitFor()
    .catch(async (error: unknown) => {
      await screenshot(page, `chat-sign-in-${role}`);
      throw error;
    });
}

const texts = (page: Page) => page.getByTestId('message').locator('.bubble .text').allInnerTexts();

describe('chat in the browser', () => {
  it('a student and a teacher chat; the student drops offline, writes, comes back; both see the same history', async () => {
    const teacher = await buildTeacher(forFactories(app), { firstName: 'Анна', lastName: 'Петрова', locale: 'ru' });
    const student = await buildStudent(forFactories(app), { firstName: 'Лея', lastName: 'Орлова', locale: 'ru' });
    const { group } = await buildGroup(forFactories(app), { teacher, students: [student], name: 'Английский B1' });
    const t = await newPage(browser, app.url);
    const s = await newPage(browser, app.url);
    await Promise.all([signIn(t.page, teacher, 'teacher'), signIn(s.page, student, 'student')]);
    // The student on a phone-sized screen.
    await s.page.setViewportSize({ width: 390, height: 780 });
    await Promise.all([t.page.goto('/app/chats'), s.page.goto('/app/chats')]);
    for (const { page } of [t, s]) await page.getByTestId('chat-list').getByRole('button', { name: new RegExp(group.name) }).click();

    await write(s.page, 'Здравствуйте! Где **домашка**? https://example.com/hw');
    await t.page.getByTestId('message').filter({ hasText: 'Где домашка?' }).waitFor();
    expect(await t.page.getByTestId('message').locator('strong').innerText()).toBe('домашка');
    expect(await t.page.getByTestId('message').locator('a').getAttribute('href')).toBe('https://example.com/hw');
    await write(t.page, 'Добрый день, <b>сейчас</b> пришлю');
    await s.page.getByTestId('message').filter({ hasText: '<b>сейчас</b>' }).waitFor();
    expect(await s.page.getByTestId('message').locator('b').filter({ hasText: 'сейчас' }).count()).toBe(0);

    // The student's network drops: the socket goes, reconnecting fails until the network is back.
    await s.context.setOffline(true);
    for (const socket of await app.io.in(`user:${student.user.id}`).fetchSockets()) (socket as unknown as { conn: { close(): void } }).conn.close();
    await s.page.getByTestId('connection').filter({ hasText: 'Нет связи' }).waitFor();
    await s.page.getByText('Нет связи: сообщения уйдут').waitFor();
    await write(s.page, 'Пишу без сети 1');
    await write(s.page, 'Пишу без сети 2');
    await expect.poll(() => s.page.getByTestId('pending').count()).toBe(2);
    await write(t.page, 'Пока вас не было');
    await t.page.getByTestId('message').filter({ hasText: 'Пока вас не было' }).waitFor();
    await screenshot(s.page, 'chat-student-offline');

    await s.context.setOffline(false);
    await s.page.getByTestId('message').filter({ hasText: 'Пишу без сети 2' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => s.page.getByTestId('pending').count()).toBe(0);
    await t.page.getByTestId('message').filter({ hasText: 'Пишу без сети 2' }).waitFor();

    const server = (await wholeHistoryOf(app, group.id)).map((m) => m.text);
    expect(server).toEqual(['Здравствуйте! Где **домашка**? https://example.com/hw', 'Добрый день, <b>сейчас</b> пришлю', 'Пока вас не было', 'Пишу без сети 1', 'Пишу без сети 2']);
    const shown = server.map((text) => text.replace(/\*\*/g, ''));
    await expect.poll(() => texts(s.page)).toEqual(shown);
    await expect.poll(() => texts(t.page)).toEqual(shown);
    // The teacher sends a photo and a PDF: the student sees the picture inline and the PDF as a card.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await t.page.getByTestId('attach-input').setInputFiles([
      { name: 'доска.png', mimeType: 'image/png', buffer: png },
      { name: 'задание.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
    ]);
    await t.page.getByText('задание.pdf').waitFor().catch(async (error: unknown) => {
      await screenshot(t.page, 'chat-upload-failed');
      throw error;
    });
    await t.page.getByTestId('send').click();
    await s.page.getByTestId('attachment-file').filter({ hasText: 'задание.pdf' }).waitFor();
    await s.page.locator('[data-testid="attachment-image"] img').waitFor();
    // The preview loads after its element appears: wait for the picture itself, not just the tag.
    await expect.poll(() => s.page.locator('[data-testid="attachment-image"] img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await screenshot(s.page, 'chat-student-phone');
    await screenshot(t.page, 'chat-teacher');
  });
});
