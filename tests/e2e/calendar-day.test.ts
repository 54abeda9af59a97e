import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildLesson } from '../factories/schedule.js';
import { buildTeacher, type BuiltUser } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, screenshot, ShiftedClock, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;
const clock = new ShiftedClock();

beforeAll(async () => {
  app = await startE2eApp({}, clock);
  browser = await launchBrowser();
});

const ZONE = 'Europe/Moscow';
/** Next week, always in the future whatever the hour: the calendar's "next" button shows it. */
const nextMonday = () => DateTime.fromJSDate(clock.now()).setZone(ZONE).startOf('week').plus({ weeks: 1 });
const at = (day: number, hour: number, minute = 0) => nextMonday().plus({ days: day }).set({ hour, minute }).toUTC().toISO()!;
const LONG_TITLE = `Подготовка к олимпиаде по математике: ${'ОченьДлинноеСловоБезПробелов'.repeat(3)} и разбор задач прошлого года`;

async function signIn(page: Page, who: BuiltUser) {
  await page.goto('/');
  await page.getByRole('button', { name: /Я преподаватель/ }).click();
  await page.waitForURL('**/enter');
  await page.getByLabel('Электронная почта').fill(who.user.email);
  await page.getByLabel('Пароль', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.waitForURL('**/app');
  await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
}

const eventBox = (page: Page, title: string) => page.locator('.fc-timegrid-event', { hasText: title });
/** Whether the element's box lies inside the time grid's scrolling area as it is scrolled now. */
const inScrolledView = (page: Page, title: string) =>
  eventBox(page, title)
    .first()
    .evaluate((el) => {
      const scroller = el.closest('.fc-scroller-liquid-absolute, .fc-scroller');
      if (!scroller) return false;
      const box = el.getBoundingClientRect();
      const view = scroller.getBoundingClientRect();
      return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
    });
const stored = async (teacher: BuiltUser) =>
  app.ctx.services.schedule.calendar({ userId: teacher.user.id, role: 'teacher' }, { from: at(0, 0), to: at(7, 0) });

describe('the calendar shows the whole day', () => {
  it('lessons at 06:00 and 23:30 are visible and editable; one crossing midnight is one block in the list; a long title stays in its block', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Вера', lastName: 'Ранняя', locale: 'ru', timezone: ZONE });
    const { group } = await buildGroup(f, { teacher, name: 'Вечерняя группа' });
    await buildLesson(f, teacher, group.id, at(1, 6), 60, 'Ранний урок');
    await buildLesson(f, teacher, group.id, at(2, 23, 30), 60, 'Поздний урок');
    await buildLesson(f, teacher, group.id, at(3, 12), 45, LONG_TITLE);

    const { page } = await newPage(browser, app.url);
    await signIn(page, teacher);
    await page.getByRole('navigation').getByRole('link', { name: 'Расписание' }).click();
    await page.locator('td.fc-timegrid-col').first().waitFor();
    await page.locator('.fc-next-button').click();
    // The grid spans 00:00–24:00 and opens at the first lesson of the week (06:00), not at 07:00.
    await eventBox(page, 'Ранний урок').waitFor();
    expect(await page.locator('td.fc-timegrid-slot-lane[data-time="00:00:00"]').count()).toBe(1);
    expect(await page.locator('td.fc-timegrid-slot-lane[data-time="23:45:00"]').count()).toBe(1);
    await expect.poll(() => inScrolledView(page, 'Ранний урок')).toBe(true);
    await screenshot(page, 'cal-day-01-early-lesson-in-view');

    // The 23:30 lesson is there too (two pieces in the grid: before and after midnight); it opens and is edited.
    const late = eventBox(page, 'Поздний урок').first();
    await late.scrollIntoViewIfNeeded();
    await late.click();
    const panel = page.getByTestId('event-panel');
    await panel.getByLabel('Название').fill('Поздний урок (перенесён)');
    await panel.getByRole('button', { name: 'Сохранить' }).click();
    await panel.waitFor({ state: 'detached' });
    await eventBox(page, 'Поздний урок (перенесён)').first().waitFor();
    await screenshot(page, 'cal-day-02-late-lesson');

    // The early one is moved half an hour earlier, to 05:30.
    await eventBox(page, 'Ранний урок').click();
    await panel.getByLabel('Начало').fill(nextMonday().plus({ days: 1 }).toFormat("yyyy-MM-dd'T'05:30"));
    await panel.getByLabel('Окончание').fill(nextMonday().plus({ days: 1 }).toFormat("yyyy-MM-dd'T'06:30"));
    await panel.getByRole('button', { name: 'Сохранить' }).click();
    await panel.waitFor({ state: 'detached' });
    await expect.poll(async () => eventBox(page, 'Ранний урок').locator('.tp-event-time').innerText()).toMatch(/^05:30/);
    const lessons = await stored(teacher);
    expect(DateTime.fromISO(lessons.find((l) => l.title === 'Ранний урок')!.startAt).setZone(ZONE).toFormat('HH:mm')).toBe('05:30');
    expect(lessons.find((l) => l.title === 'Поздний урок (перенесён)')).toBeTruthy();

    // The long title is clipped inside its block: just below the block is the empty slot, not the title.
    const long = eventBox(page, 'Подготовка к олимпиаде');
    await long.scrollIntoViewIfNeeded();
    const box = (await long.boundingBox())!;
    const below = { x: box.x + box.width / 2, y: box.y + box.height + 12 };
    const hit = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.fc-timegrid-event') !== null, below);
    expect(hit).toBe(false);
    // The title wraps (or is cut) within the block's width.
    const spills = await long.evaluate((el) => {
      const title = el.querySelector('.tp-event-title');
      return title ? title.getBoundingClientRect().right > el.getBoundingClientRect().right + 1 : true;
    });
    expect(spills).toBe(false);
    // A drag on that empty slot selects a new lesson's time; the long lesson does not move.
    await page.mouse.move(below.x, below.y);
    await page.mouse.down();
    await page.mouse.move(below.x, below.y + 40, { steps: 6 });
    await page.mouse.up();
    const create = page.getByRole('dialog', { name: 'Новый урок' });
    await create.waitFor();
    await create.getByRole('button', { name: 'Отмена' }).click();
    const longStored = (await stored(teacher)).find((l) => l.title === LONG_TITLE)!;
    expect(longStored.startAt).toBe(new Date(at(3, 12)).toISOString());
    await screenshot(page, 'cal-day-03-long-title');

    // In the list the lesson crossing midnight is one line, on its start day.
    await page.locator('.fc-listWeek-button').click();
    await page.locator('.fc-list-event', { hasText: 'Поздний урок' }).first().waitFor();
    expect(await page.locator('.fc-list-event', { hasText: 'Поздний урок' }).count()).toBe(1);
    expect(await page.locator('.fc-list-event', { hasText: 'Поздний урок' }).locator('.fc-list-event-time').innerText()).toMatch(/23:30/);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'cal-day-04-list-phone');
  });

  it('the create dialog names bad input at the field, picks the zone from a list, follows the start with the first date and asks before the past', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Игорь', lastName: 'Формов', locale: 'ru', timezone: ZONE });
    await buildGroup(f, { teacher, name: 'Группа форм' });
    const { page } = await newPage(browser, app.url);
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, teacher);
    await page.getByRole('navigation').getByRole('link', { name: 'Расписание' }).click();
    await page.getByRole('button', { name: 'Новый урок' }).click();
    const dialog = page.getByRole('dialog', { name: 'Новый урок' });
    await dialog.waitFor();

    // A title over 200 characters is refused with a message, not cut.
    const tooLong = 'Т'.repeat(205);
    await dialog.getByLabel('Название').fill(tooLong);
    expect(await dialog.getByLabel('Название').inputValue()).toBe(tooLong);
    await dialog.getByText('Название длиннее 200 символов (сейчас 205)').waitFor();
    expect(await dialog.getByRole('button', { name: 'Создать урок' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Название').fill('Разбор контрольной');

    // An unreadable start is named at the field; nothing reads NaN or Invalid DateTime.
    await dialog.getByLabel('Повторять каждую неделю').check();
    await dialog.getByLabel('Начало').fill('');
    await dialog.getByText('Введите правильную дату и время').waitFor();
    const text = await dialog.innerText();
    expect(text).not.toMatch(/NaN|Invalid DateTime|calendar\./);
    await screenshot(page, 'cal-form-01-errors-phone');

    // The first date follows the chosen start; the zone comes from the searchable list.
    const start = nextMonday().plus({ days: 9 }).set({ hour: 10 });
    await dialog.getByLabel('Начало').fill(start.toFormat("yyyy-MM-dd'T'HH:mm"));
    await dialog.getByLabel('Окончание').fill(start.plus({ minutes: 90 }).toFormat("yyyy-MM-dd'T'HH:mm"));
    await expect.poll(() => dialog.getByLabel('Первая дата').inputValue()).toBe(start.toISODate());
    await dialog.getByPlaceholder('Город или регион').fill('novosib');
    const zones = dialog.getByTestId('zone-list');
    expect(await zones.locator('option').count()).toBeLessThanOrEqual(2);
    await zones.selectOption('Asia/Novosibirsk');
    // 10:00 in Moscow is 14:00 in Novosibirsk.
    await dialog.getByTestId('rule-summary').filter({ hasText: '14:00–15:30 (Asia/Novosibirsk)' }).waitFor();
    expect(await dialog.innerText()).not.toMatch(/NaN|Invalid DateTime|calendar\./);
    await screenshot(page, 'cal-form-02-zone-phone');

    // A single lesson yesterday asks first, then is created.
    await dialog.getByLabel('Повторять каждую неделю').uncheck();
    const yesterday = DateTime.fromJSDate(clock.now()).setZone(ZONE).minus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    await dialog.getByLabel('Начало').fill(yesterday.toFormat("yyyy-MM-dd'T'HH:mm"));
    await dialog.getByLabel('Окончание').fill(yesterday.plus({ hours: 1 }).toFormat("yyyy-MM-dd'T'HH:mm"));
    await dialog.getByRole('button', { name: 'Создать урок' }).click();
    await dialog.getByText('Это время уже прошло').waitFor();
    await screenshot(page, 'cal-form-03-past-phone');
    await dialog.getByRole('button', { name: 'Да, создать в прошлом' }).click();
    await dialog.waitFor({ state: 'detached' });
    const created = await app.ctx.services.schedule.calendar(
      { userId: teacher.user.id, role: 'teacher' },
      { from: yesterday.startOf('day').toUTC().toISO()!, to: yesterday.endOf('day').toUTC().toISO()! },
    );
    expect(created.map((l) => [l.title, l.startAt])).toEqual([['Разбор контрольной', yesterday.toUTC().toISO({ suppressMilliseconds: false })]]);
  });
});
