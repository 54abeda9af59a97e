import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildStudent } from '../factories/users.js';
import { buildLesson, buildRule } from '../factories/schedule.js';
import { forFactories, launchBrowser, newPage, screenshot, signIn, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  // Real time; the server works the queue itself (single node), polling often.
  app = await startE2eApp({ QUEUE_POLL_S: '0.5' });
  browser = await launchBrowser();
});

describe('the bell', () => {
  it('shows "lesson starts in 15 minutes" live for a lesson about to start; mark all read clears the badge; settings persist', async () => {
    const student = await buildStudent(forFactories(app), { locale: 'ru' });
    const built = await buildGroup(forFactories(app), { name: 'Физика 9', students: [student] });
    const { context, page } = await newPage(browser, app.url);
    await page.setViewportSize({ width: 390, height: 780 }); // a phone
    await signIn(page, student, /Я ученик/);
    const bell = page.getByTestId('notification-bell');
    await bell.waitFor();
    expect(await page.getByTestId('notification-count').count()).toBe(0);

    // Starts in 10 minutes: its reminder is already due, so it comes at once (pushed to the open page).
    await buildLesson(forFactories(app), built.teacher, built.group.id, new Date(Date.now() + 10 * 60_000).toISOString(), 45, 'Оптика');
    await page.getByTestId('notification-count').filter({ hasText: '1' }).waitFor({ timeout: 20_000 });
    await bell.click();
    const item = page.getByTestId('notification-item').filter({ hasText: /Урок «Оптика» начнётся через 15 минут, в \d\d:\d\d/ });
    await item.waitFor();
    await screenshot(page, 'notifications-bell-phone');

    await page.getByTestId('notifications-mark-all').click();
    await page.getByTestId('notification-count').waitFor({ state: 'detached' });

    // The count stays cleared after a reload (it is the server's).
    await page.reload();
    await bell.waitFor();
    await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
    expect(await page.getByTestId('notification-count').count()).toBe(0);

    // A click opens what the notice is about (and marks it read).
    const later = await buildLesson(forFactories(app), built.teacher, built.group.id, new Date(Date.now() + 3 * 86_400_000).toISOString(), 45, 'Механика');
    await app.ctx.services.schedule.cancelLesson({ userId: built.teacher.user.id, role: 'teacher' }, later.event.id);
    await page.getByTestId('notification-count').filter({ hasText: '1' }).waitFor({ timeout: 20_000 });
    await bell.click();
    await page.getByTestId('notification-item').filter({ hasText: 'Урок «Механика»' }).filter({ hasText: 'отменён' }).click();
    await page.waitForURL('**/app/calendar');
    await page.getByTestId('notification-count').waitFor({ state: 'detached' });

    // A weekly series moved to a new time: one notice, worded by its weekday and time.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const rule = await buildRule(forFactories(app), built.teacher, built.group.id, { title: 'Кружок', startDate: day(0), endDate: day(60) });
    await app.ctx.services.recurringRules.update({ userId: built.teacher.user.id, role: 'teacher' }, rule.id, { startTime: '19:45', endTime: '20:45' });
    await page.getByTestId('notification-count').filter({ hasText: '1' }).waitFor({ timeout: 20_000 });
    await bell.click();
    await page.getByTestId('notification-item').filter({ hasText: /Занятия «Кружок» теперь проходят по понедельникам в 19:45, ближайшее — / }).waitFor();
    await screenshot(page, 'notifications-series-phone');

    // Settings: the email switch of the reminder is off by default; turning it on survives a reload.
    await page.goto('/app/settings/notifications');
    await page.getByTestId('prefs-defaults').filter({ hasText: 'напоминание за 15 минут до урока приходит только в приложении' }).waitFor();
    const row = page.getByTestId('pref-lesson_starting');
    const email = row.getByRole('checkbox', { name: /На почту/ });
    expect(await email.isChecked()).toBe(false);
    expect(await row.getByRole('checkbox', { name: /В приложении/ }).isChecked()).toBe(true);
    await email.check();
    await page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor();
    await page.reload();
    await expect.poll(() => page.getByTestId('pref-lesson_starting').getByRole('checkbox', { name: /На почту/ }).isChecked(), { timeout: 10_000 }).toBe(true);
    await screenshot(page, 'notifications-settings-phone');
    await context.close();
  }, 120_000);
});
