import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { buildAdmin, buildTeacher } from '../factories/users.js';
import { buildGroup } from '../factories/groups.js';
import { buildLesson } from '../factories/schedule.js';
import { deliverZoomWebhook } from '../fakes/zoom-webhook.js';
import { forFactories, launchBrowser, newPage, screenshot, signIn, startE2eApp, type E2eApp } from './support.js';

const SECRET = 'zoom-webhook-secret-e2e';
let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp({ ZOOM_WEBHOOK_SECRET: SECRET });
  browser = await launchBrowser();
});

describe('user management in the browser', () => {
  it('an admin edits a teacher, then deactivates them after a confirmation: the teacher’s open browser is signed out at once', async () => {
    const admin = await buildAdmin(forFactories(app), { firstName: 'Ольга', locale: 'ru' });
    const teacher = await buildTeacher(forFactories(app), { email: 'pavel.teacher@example.com', firstName: 'Павел', lastName: 'Орлов', locale: 'ru' });
    const teacherPage = (await newPage(browser, app.url)).page;
    await signIn(teacherPage, teacher);

    const { page } = await newPage(browser, app.url);
    await signIn(page, admin);
    await page.goto('/app/users');
    const row = page.locator('tr', { has: page.getByRole('cell', { name: 'pavel.teacher@example.com' }) });
    await row.getByRole('button', { name: 'Изменить' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Имя').fill('Пётр');
    await dialog.getByRole('button', { name: 'Сохранить' }).click();
    await dialog.getByText('Изменения сохранены.').waitFor();
    await expect.poll(async () => (await app.ctx.services.users.findById(teacher.user.id))!.firstName).toBe('Пётр');

    // Deactivating asks first and says what will happen; nothing happens before the second click.
    await dialog.getByRole('button', { name: 'Отключить' }).click();
    await dialog.getByText(/сразу выйдет на всех устройствах/).waitFor();
    await screenshot(page, '40-admin-deactivate-confirm');
    expect((await app.ctx.services.users.findById(teacher.user.id))!.active).toBe(true);
    await dialog.getByRole('button', { name: 'Да, отключить' }).click();
    await dialog.getByText(/отключён и вышел на всех устройствах/).waitFor();

    // The teacher's open tab leaves the app without them doing anything.
    await teacherPage.waitForURL((url) => !url.pathname.startsWith('/app'), { timeout: 10_000 });
    await screenshot(teacherPage, '41-deactivated-user-signed-out');

    await dialog.getByRole('button', { name: 'Включить снова' }).click();
    await dialog.getByText(/снова может входить/).waitFor();
    await dialog.getByRole('button', { name: 'Сбросить пароль' }).click();
    await dialog.getByRole('button', { name: 'Отправить письмо' }).click();
    await dialog.getByText('Письмо со ссылкой отправлено на pavel.teacher@example.com.').waitFor();
    expect(app.ctx.services.mailer.recent().some((m) => m.to.includes('pavel.teacher@example.com') && m.text.includes('/reset-password?token='))).toBe(true);
  });

  it('a recording appears on the lesson as Zoom reports it', async () => {
    const teacher = await buildTeacher(forFactories(app), { firstName: 'Анна', locale: 'ru' });
    const { group } = await buildGroup(forFactories(app), { teacher });
    // A lesson earlier today at noon Moscow time (inside the visible hours of the week view).
    const noon = DateTime.now().setZone('Europe/Moscow').set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
    const { lesson } = await buildLesson(forFactories(app), teacher, group.id, noon.toUTC().toISO()!, 45, 'Грамматика');
    await app.infra.orm.em.fork().getConnection().execute(`update lessons set status = 'completed', meeting_provider = 'zoom', meeting_id = '83000000001' where id = ?`, [lesson.id]);

    const { page } = await newPage(browser, app.url);
    await page.setViewportSize({ width: 1280, height: 1500 });
    await signIn(page, teacher);
    await page.goto('/app/calendar');
    await page.locator('.fc-event', { hasText: 'Грамматика' }).first().click();
    const panel = page.getByTestId('event-panel');
    await panel.getByText('Записей пока нет').waitFor();

    const payload = {
      object: {
        id: 83000000001,
        uuid: 'e2e-uuid==',
        recording_files: [{ id: 'mp4', file_type: 'MP4', file_size: 52_428_800, download_url: 'https://zoom.test/rec/e2e.mp4', recording_start: noon.toUTC().toISO(), recording_end: noon.plus({ minutes: 44 }).toUTC().toISO() }],
      },
    };
    expect((await deliverZoomWebhook(`${app.url}/api/webhooks/zoom`, SECRET, 'recording.completed', payload, new Date())).status).toBe(200);
    const link = panel.getByRole('link', { name: 'Запись 1' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://zoom.test/rec/e2e.mp4');
    await panel.getByText(/44 мин/).waitFor();
    await panel.getByText(/50 МБ/).waitFor();
    await screenshot(page, '42-lesson-recording-live');
  });
});
