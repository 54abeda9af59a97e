import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildLesson, buildRule } from '../factories/schedule.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, screenshot, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
});

const ZONE = 'Europe/Moscow';
/** Monday of the week the calendar opens on (the browsers run in Moscow time, like the users' profiles). */
const monday = DateTime.now().setZone(ZONE).startOf('week');
const day = (offset: number) => monday.plus({ days: offset });
const at = (offset: number, hour: number) => day(offset).set({ hour, minute: 0 }).toUTC().toISO()!;

async function signIn(page: Page, who: BuiltUser, roleButton: RegExp) {
  await page.goto('/');
  await page.getByRole('button', { name: roleButton }).click();
  await page.waitForURL('**/enter');
  await page.getByLabel('Электронная почта').fill(who.user.email);
  await page.getByLabel('Пароль', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.waitForURL('**/app');
  await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
}

/** The event box of a lesson with this title in the time grid. */
const eventBox = (page: Page, title: string) => page.locator('.fc-timegrid-event', { hasText: title });
/** The grid point (column of `date`, slot line of `time`) as viewport coordinates. */
async function slotPoint(page: Page, date: DateTime, time: string): Promise<{ x: number; y: number }> {
  const column = await page.locator(`td.fc-timegrid-col[data-date="${date.toISODate()}"]`).boundingBox();
  const slot = await page.locator(`td.fc-timegrid-slot-lane[data-time="${time}:00"]`).boundingBox();
  if (!column || !slot) throw new Error(`no slot ${date.toISODate()} ${time}`);
  return { x: column.x + column.width / 2, y: slot.y + 4 };
}
/** Drags an event from one grid slot to another, the way a mouse user does. */
async function drag(page: Page, event: Locator, from: { date: DateTime; time: string }, to: { date: DateTime; time: string }) {
  const start = await slotPoint(page, from.date, from.time);
  const end = await slotPoint(page, to.date, to.time);
  const box = (await event.boundingBox())!;
  const grab = { x: box.x + box.width / 2, y: box.y + Math.min(box.height / 2, 30) };
  const target = { x: grab.x + end.x - start.x, y: grab.y + end.y - start.y };
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  for (let step = 1; step <= 10; step += 1) {
    await page.mouse.move(grab.x + ((target.x - grab.x) * step) / 10, grab.y + ((target.y - grab.y) * step) / 10);
  }
  await page.mouse.up();
}
const columnOf = (event: Locator) => event.evaluate((el) => el.closest('td.fc-timegrid-col')?.getAttribute('data-date'));
const timeOf = (event: Locator) => event.locator('.tp-event-time').innerText();

describe('the live calendar in two browsers', () => {
  it('a teacher builds the week and drags a lesson; the student sees it move without a reload; a clash snaps back', async () => {
    const f = forFactories(app);
    // This week is an upper week: the anchor is its Monday.
    const teacher = await buildTeacher(f, { firstName: 'Анна', lastName: 'Котова', locale: 'ru', timezone: ZONE, weekAnchorDate: monday.toISODate()! });
    const student = await buildStudent(f, { firstName: 'Пётр', lastName: 'Иванов', locale: 'ru', timezone: ZONE });
    const { group } = await buildGroup(f, { teacher, students: [student], name: 'English B1' });
    const other = await buildGroup(f, { teacher, name: 'Deutsch A2' });
    await buildLesson(f, teacher, group.id, at(2, 10), 90, 'Грамматика');
    await buildLesson(f, teacher, other.group.id, at(3, 12), 90, 'Лексика');
    const span = { startDate: day(-14).toISODate()!, endDate: day(60).toISODate()!, timezone: ZONE };
    await buildRule(f, teacher, group.id, { ...span, title: 'Чтение', dayOfWeek: 1, weekType: 'UPPER', startTime: '18:00', endTime: '19:30' });
    await buildRule(f, teacher, group.id, { ...span, title: 'Аудирование', dayOfWeek: 2, weekType: 'LOWER', startTime: '18:00', endTime: '19:30' });
    await buildRule(f, teacher, other.group.id, { ...span, title: 'Разговор', dayOfWeek: 5, weekType: 'ALL', startTime: '09:00', endTime: '10:00' });

    const { page: teacherPage } = await newPage(browser, app.url);
    await teacherPage.setViewportSize({ width: 1280, height: 1500 });
    await signIn(teacherPage, teacher, /Я преподаватель/);
    await teacherPage.getByRole('navigation').getByRole('link', { name: 'Расписание' }).click();
    await eventBox(teacherPage, 'Грамматика').waitFor();
    await eventBox(teacherPage, 'Чтение').filter({ hasText: 'Верх' }).waitFor();
    expect(await eventBox(teacherPage, 'Аудирование').count()).toBe(0); // a lower-week rule: not this week
    await teacherPage.getByTestId('week-parity').filter({ hasText: 'верхняя (числитель)' }).waitFor();
    await screenshot(teacherPage, '20-calendar-teacher-week-upper');

    // The next week is a lower one: the Tuesday rule shows, the Monday one does not.
    await teacherPage.locator('.fc-next-button').click();
    await eventBox(teacherPage, 'Аудирование').filter({ hasText: 'Низ' }).waitFor();
    expect(await eventBox(teacherPage, 'Чтение').count()).toBe(0);
    await screenshot(teacherPage, '21-calendar-teacher-week-lower');
    await teacherPage.locator('.fc-today-button').click();
    await eventBox(teacherPage, 'Грамматика').waitFor();

    // The student, in a second browser, sees only their group's lessons, read-only.
    const { page: studentPage, context: studentContext } = await newPage(browser, app.url);
    await studentPage.setViewportSize({ width: 1280, height: 1500 });
    await signIn(studentPage, student, /Я ученик/);
    await studentPage.getByRole('navigation').getByRole('link', { name: 'Расписание' }).click();
    const studentLesson = eventBox(studentPage, 'Грамматика');
    await studentLesson.waitFor();
    expect(await timeOf(studentLesson)).toMatch(/^10:00/);
    expect(await eventBox(studentPage, 'Лексика').count()).toBe(0);
    expect(await studentPage.getByRole('button', { name: 'Новый урок' }).count()).toBe(0);
    await studentPage.getByText('Только просмотр').waitFor();
    await screenshot(studentPage, '22-calendar-student');

    // The teacher drags Wednesday 10:00 to Wednesday 14:00.
    await drag(teacherPage, eventBox(teacherPage, 'Грамматика'), { date: day(2), time: '10:00' }, { date: day(2), time: '14:00' });
    await expect.poll(() => timeOf(eventBox(teacherPage, 'Грамматика'))).toMatch(/^14:00/);
    const moved = await timeOf(eventBox(teacherPage, 'Грамматика'));
    // … and the student's calendar follows, without a reload.
    await expect.poll(() => timeOf(studentLesson), { timeout: 10_000 }).toBe(moved);
    expect(await columnOf(studentLesson)).toBe(day(2).toISODate());
    const stored = await app.ctx.services.schedule.calendar({ userId: teacher.user.id, role: 'teacher' }, { from: at(2, 0), to: at(3, 0) });
    const startAt = stored.find((e) => e.title === 'Грамматика')!.startAt;
    expect(DateTime.fromISO(startAt).setZone(ZONE).toFormat('HH:mm')).toBe(moved.slice(0, 5));
    await screenshot(studentPage, '23-calendar-student-after-move');
    // The list view shows the same lessons, with the week marker.
    await studentPage.locator('.fc-listWeek-button').click();
    await studentPage.locator('.fc-list-event', { hasText: 'Чтение' }).filter({ hasText: 'Верх' }).waitFor();
    await studentPage.locator('.fc-list-event', { hasText: 'Грамматика' }).waitFor();
    await screenshot(studentPage, '23b-calendar-student-list');
    await studentPage.locator('.fc-timeGridWeek-button').click();
    await studentLesson.waitFor();

    // Dragging it onto Thursday's lesson is refused: the clash is named and the event snaps back.
    await drag(teacherPage, eventBox(teacherPage, 'Грамматика'), { date: day(2), time: '14:00' }, { date: day(3), time: '12:00' });
    await teacherPage.getByRole('alert').filter({ hasText: 'Пересечение с уроком «Лексика»' }).waitFor();
    await expect.poll(() => columnOf(eventBox(teacherPage, 'Грамматика'))).toBe(day(2).toISODate());
    expect(await timeOf(eventBox(teacherPage, 'Грамматика'))).toBe(moved);
    expect(await timeOf(studentLesson)).toBe(moved);
    await screenshot(teacherPage, '24-calendar-conflict');

    // A change made while the student's connection is down arrives with the resync after reconnecting.
    await studentContext.setOffline(true);
    app.io.in(`user:${student.user.id}`).disconnectSockets();
    await studentPage.getByTestId('connection').filter({ hasNotText: 'В сети' }).waitFor();
    const lessonId = stored.find((e) => e.title === 'Грамматика')!.id;
    await app.ctx.services.schedule.updateLesson({ userId: teacher.user.id, role: 'teacher' }, lessonId, { startAt: at(2, 16), endAt: at(2, 17) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await timeOf(studentLesson)).toBe(moved); // nothing reached the student meanwhile
    await studentContext.setOffline(false);
    await studentPage.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => timeOf(studentLesson), { timeout: 10_000 }).toMatch(/^16:00/);
  });

  it('a teacher selects a slot and creates an upper-week series, then opens a lesson', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Олег', locale: 'ru', timezone: ZONE, weekAnchorDate: monday.toISODate()! });
    await buildGroup(f, { teacher, name: 'French A1', studentCount: 2 });
    const { page } = await newPage(browser, app.url);
    await page.setViewportSize({ width: 1280, height: 1500 });
    await signIn(page, teacher, /Я преподаватель/);
    page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
    await page.goto('/app/calendar');
    await page.locator('td.fc-timegrid-col').first().waitFor();

    // Select Friday 15:00–16:30 by dragging over empty slots.
    const from = await slotPoint(page, day(4), '15:00');
    const to = await slotPoint(page, day(4), '16:00');
    await page.mouse.move(from.x, from.y + 2);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y + 10, { steps: 8 });
    await page.mouse.up();
    const dialog = page.getByRole('dialog', { name: 'Новый урок' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Начало').inputValue()).toBe(`${day(4).toISODate()}T15:00`);
    await dialog.getByLabel('Название').fill('Фонетика');
    await dialog.getByLabel('Повторять каждую неделю').check();
    await dialog.getByLabel('По верхним неделям (числитель)').check();
    await dialog.getByTestId('rule-summary').filter({ hasText: 'По пятницам, 15:00–' }).waitFor();
    await screenshot(page, '25-calendar-create-dialog');
    await dialog.getByRole('button', { name: 'Создать серию' }).click();
    // Later in the week than Friday 15:00, the first lesson lies in the past: that asks first.
    if (day(4).set({ hour: 15 }) < DateTime.now()) await dialog.getByRole('button', { name: 'Да, создать в прошлом' }).click();
    await dialog.waitFor({ state: 'detached' });
    await eventBox(page, 'Фонетика').filter({ hasText: 'Верх' }).waitFor();
    // This server has no meeting rooms in its pool: the series is saved with a notice, not refused.
    await page.getByRole('status').filter({ hasText: 'комнат для встреч в пуле: 0. Урок сохранён.' }).waitFor();

    // Dragged from Friday to Thursday, for this and the following lessons of the series.
    await drag(page, eventBox(page, 'Фонетика'), { date: day(4), time: '15:00' }, { date: day(3), time: '15:00' });
    await page.getByRole('dialog', { name: 'Только этот урок или серия?' }).getByRole('button', { name: 'Этот и все следующие' }).click();
    const series = () => app.ctx.services.recurringRules.list({ userId: teacher.user.id, role: 'teacher' });
    await expect.poll(async () => (await series()).map((r) => [r.dayOfWeek, r.weekType, r.startDate, r.startTime])).toEqual([[4, 'UPPER', day(3).toISODate(), '15:00']]);
    await expect.poll(() => columnOf(eventBox(page, 'Фонетика'))).toBe(day(3).toISODate());

    await eventBox(page, 'Фонетика').click();
    const panel = page.getByTestId('event-panel');
    await panel.getByText('из еженедельной серии').waitFor();
    await screenshot(page, '26-calendar-event-panel');
    await panel.getByRole('button', { name: 'Отменить этот урок' }).click();
    // Cancelling asks first and says what happens.
    await panel.getByTestId('inline-confirm').filter({ hasText: 'Остальные занятия серии останутся' }).waitFor();
    await panel.getByRole('button', { name: 'Да, отменить' }).click();
    await eventBox(page, 'Фонетика').filter({ hasText: 'отменён' }).waitFor();

    // Moving the anchor a week on turns this week into a lower one; the upper-week series follows.
    // The anchor's own Save: the lesson panel, if still open, has one too.
    const anchorForm = page.locator('form').filter({ has: page.getByLabel('Верхняя неделя начинается с') });
    await anchorForm.getByLabel('Верхняя неделя начинается с').fill(day(7).toISODate()!);
    await anchorForm.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByTestId('week-parity').filter({ hasText: 'нижняя (знаменатель)' }).waitFor();

    // The month grid shows coloured blocks; a phone opens on the agenda.
    await page.locator('.fc-dayGridMonth-button').click();
    await page.locator(`td[data-date="${day(10).toISODate()}"] .fc-daygrid-event`, { hasText: 'Фонетика' }).waitFor();
    expect(await page.locator(`td[data-date="${day(17).toISODate()}"] .fc-daygrid-event`, { hasText: 'Фонетика' }).count()).toBe(0);
    await screenshot(page, '29-calendar-month');
    // In English the calendar and its markers follow at once.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.locator('.fc-timeGridWeek-button', { hasText: 'Week' }).click();
    await page.getByTestId('week-parity').filter({ hasText: 'This week: lower' }).waitFor();
    await screenshot(page, '29b-calendar-english');
    await page.getByRole('button', { name: 'RU', exact: true }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('.fc-list-event', { hasText: 'Фонетика' }).first().waitFor();
    await screenshot(page, '30-calendar-phone');
  });

  it('groups: a teacher adds a student by email and a signed-out student joins by the invite link', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Ирина', locale: 'ru', timezone: ZONE });
    const known = await buildStudent(f, { firstName: 'Мария', lastName: 'Лебедева', email: 'maria.l@example.com', locale: 'ru' });
    const newcomer = await buildStudent(f, { firstName: 'Иван', lastName: 'Орлов', locale: 'ru' });
    const { page } = await newPage(browser, app.url);
    await signIn(page, teacher, /Я преподаватель/);
    await page.getByRole('navigation').getByRole('link', { name: 'Группы' }).click();
    const create = page.getByRole('form', { name: 'Новая группа' });
    await create.getByLabel('Название группы').fill('Spanish B2');
    await create.getByRole('button', { name: 'Создать' }).click();
    await page.getByRole('link', { name: 'Spanish B2' }).waitFor();
    await create.getByLabel('Название группы').fill('Italian A1');
    await create.getByRole('button', { name: 'Создать' }).click();
    // Renamed, then archived: it moves to the archive list.
    const italian = page.getByTestId('group-row').filter({ hasText: 'Italian A1' });
    await italian.getByRole('button', { name: 'Переименовать' }).click();
    const editing = page.getByTestId('group-list').getByRole('form', { name: 'Переименовать' });
    await editing.getByLabel('Название группы').fill('Italian A1 (2025)');
    await editing.getByRole('button', { name: 'Сохранить' }).click();
    const renamed = page.getByTestId('group-row').filter({ hasText: 'Italian A1 (2025)' });
    await renamed.getByRole('button', { name: 'В архив' }).click();
    await renamed.getByRole('button', { name: 'Вернуть из архива' }).waitFor();
    await screenshot(page, '27a-groups-list');
    await page.getByRole('link', { name: 'Spanish B2' }).click();
    await page.getByRole('heading', { name: 'Spanish B2' }).waitFor();
    const add = page.getByRole('form', { name: 'Добавить студента' });
    await add.getByLabel('Почта студента').fill(known.user.email);
    await add.getByRole('button', { name: 'Добавить' }).click();
    await page.getByTestId('students').getByText('Мария Лебедева').waitFor();
    await add.getByLabel('Почта студента').fill('nobody@example.com');
    await add.getByRole('button', { name: 'Добавить' }).click();
    await page.getByRole('alert').filter({ hasText: 'Студента с такой почтой нет' }).waitFor();
    const link = await page.getByTestId('invite-link').innerText();
    expect(link).toMatch(/\/join\?code=[A-Z0-9]{10}$/);
    await screenshot(page, '27-group-page');

    // A signed-out visitor opens the link, picks the student role, signs in and lands in the group.
    const visitor = (await newPage(browser, app.url)).page;
    await visitor.goto(link.replace(/^https?:\/\/[^/]+/, ''));
    await visitor.getByText('Вас пригласили в группу').waitFor();
    await visitor.getByRole('button', { name: /Я ученик/ }).click();
    await visitor.waitForURL('**/enter');
    await visitor.getByLabel('Электронная почта').fill(newcomer.user.email);
    await visitor.getByLabel('Пароль', { exact: true }).fill(newcomer.password);
    await visitor.getByRole('button', { name: 'Продолжить' }).click();
    await visitor.getByText('Вы в группе «Spanish B2».').waitFor();
    await visitor.getByRole('link', { name: 'Мои группы' }).click();
    await visitor.getByTestId('group-list').getByText('Spanish B2').waitFor();
    await screenshot(visitor, '28-student-groups');

    await page.reload();
    await page.getByTestId('students').getByText('Иван Орлов').waitFor();
  });

  it("an admin watches the whole school's calendar; a teacher moving the week anchor swaps the weeks there live", async () => {
    const f = forFactories(app);
    const admin = await buildAdmin(f, { firstName: 'Ольга', lastName: 'Админ', locale: 'ru', timezone: ZONE });
    const teacher = await buildTeacher(f, { firstName: 'Игорь', lastName: 'Лунин', locale: 'ru', timezone: ZONE, weekAnchorDate: monday.toISODate()! });
    const { group } = await buildGroup(f, { teacher, name: 'Французский A1' });
    const span = { startDate: day(-14).toISODate()!, endDate: day(60).toISODate()!, timezone: ZONE };
    await buildRule(f, teacher, group.id, { ...span, title: 'Диктант по-французски', dayOfWeek: 1, weekType: 'UPPER', startTime: '08:00', endTime: '09:00' });
    await buildRule(f, teacher, group.id, { ...span, title: 'Орфография', dayOfWeek: 2, weekType: 'LOWER', startTime: '08:00', endTime: '09:00' });

    const { page } = await newPage(browser, app.url);
    await page.setViewportSize({ width: 1280, height: 1500 });
    await signIn(page, admin, /Я преподаватель/);
    await page.getByRole('navigation').getByRole('link', { name: 'Расписание' }).click();
    await eventBox(page, 'Диктант по-французски').filter({ hasText: 'Верх' }).waitFor();
    expect(await eventBox(page, 'Орфография').count()).toBe(0);
    await page.getByText('Уроки всех преподавателей').waitFor();
    expect(await page.getByRole('button', { name: 'Новый урок' }).count()).toBe(0);
    await screenshot(page, '26-calendar-admin-school');

    // Anchored a week later, this week is a lower one: the admin's calendar follows without a reload.
    await app.ctx.services.users.updateProfile(teacher.user.id, { weekAnchorDate: day(7).toISODate()! });
    await eventBox(page, 'Орфография').filter({ hasText: 'Низ' }).waitFor({ timeout: 10_000 });
    await eventBox(page, 'Диктант по-французски').waitFor({ state: 'detached' });
    await screenshot(page, '27-calendar-admin-after-anchor');
  });
});
