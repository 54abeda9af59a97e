import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { createInfra } from '../../server/src/infra/container.js';
import { systemClock } from '../../server/src/infra/clock.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { startServer } from '../../server/src/server.js';
import { testEnv } from '../setup/app.js';
import { createTestDatabase } from '../setup/test-db.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../factories/users.js';
import { buildAccount, buildAccounts, buildLesson, type BuiltLesson } from '../factories/pool.js';
import { buildGroup } from '../factories/groups.js';
import { buildRule } from '../factories/schedule.js';
import { CLIENT_DIR, forFactories, launchBrowser, newPage, screenshot, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;
/** The admin's page, kept from the first test for the second. */
let adminPage: Page;

/** A port chosen up front, so the demo provider's links (built from PUBLIC_URL) point at this very server. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Like `startE2eApp`, embedded-style with the demo provider, but on a known port. */
async function startDemoApp(): Promise<E2eApp> {
  const port = await freePort();
  const database = await createTestDatabase();
  const config = testEnv({ DATABASE_URL: database.url, PUBLIC_URL: `http://127.0.0.1:${port}` });
  const infra = await createInfra(config, { clock: systemClock, logger: createLogger(config.LOG_LEVEL) });
  const server = await startServer(infra, port, { clientDir: CLIENT_DIR });
  return {
    ...server,
    infra,
    clock: systemClock,
    databaseUrl: database.url,
    async close() {
      await server.close();
      await infra.close();
      await database.drop();
    },
  };
}

beforeAll(async () => {
  app = await startDemoApp();
  browser = await launchBrowser();
});
afterAll(() => app?.close());

const sql = (text: string, params: unknown[]) => app.infra.orm.em.fork().getConnection().execute(text, params);

/** `fakeClock`: the page's timers can be fast-forwarded (the automatic retry after a full pool). */
async function signIn(user: BuiltUser, as: 'teacher' | 'student', options: { fakeClock?: boolean } = {}): Promise<Page> {
  const { page } = await newPage(browser, app.url);
  if (options.fakeClock) await page.clock.install();
  await page.goto('/');
  await page.getByRole('button', { name: as === 'student' ? /Я ученик/ : /Я преподаватель/ }).click();
  await page.waitForURL('**/enter');
  await page.getByLabel('Электронная почта').fill(user.user.email);
  await page.getByLabel('Пароль', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.waitForURL((url) => url.pathname === '/app');
  await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
  return page;
}

/** A lesson of `teacher` around now, in a named group with the given students. */
async function lessonFor(teacher: BuiltUser, title: string, groupName: string, startInMinutes: number, students: BuiltUser[] = []): Promise<BuiltLesson> {
  const lesson = await buildLesson(forFactories(app), { teacher, title, startAt: new Date(Date.now() + startInMinutes * 60_000), minutes: 90 });
  await sql('update groups set name = ? where id = ?', [groupName, lesson.groupId]);
  for (const student of students) await sql('insert into group_members (group_id, student_id) values (?, ?)', [lesson.groupId, student.user.id]);
  return lesson;
}

describe('starting lessons on the meeting pool, in the browser', () => {
  it('a teacher starts from the dashboard, the student sees Join live, the pool fills up, the host ends and it frees everywhere', async () => {
    const f = forFactories(app);
    await buildAccounts(f, 2);
    const admin = await buildAdmin(f, { firstName: 'Ольга', lastName: 'Смирнова', locale: 'ru' });
    const anna = await buildTeacher(f, { firstName: 'Анна', lastName: 'Иванова', locale: 'ru' });
    const boris = await buildTeacher(f, { firstName: 'Борис', lastName: 'Петров', locale: 'ru' });
    const clara = await buildTeacher(f, { firstName: 'Клара', lastName: 'Орлова', locale: 'ru' });
    const student = await buildStudent(f, { firstName: 'Денис', lastName: 'Ким', locale: 'ru' });
    const english = await lessonFor(anna, 'Английский B1', '10-А английский', -5, [student]);
    const physics = await lessonFor(boris, 'Физика', '9-Б физика', 10);
    const chemistry = await lessonFor(clara, 'Химия', '11-В химия', 0);

    // The admin watches the pool.
    adminPage = await signIn(admin, 'teacher');
    await adminPage.goto('/app/pool');
    const cards = adminPage.getByTestId('account-card');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(2);
    await adminPage.locator('[data-testid="account-card"][data-state="free"]').nth(1).waitFor();
    expect(await adminPage.getByTestId('stat-available').innerText()).toContain('2');

    // The student's dashboard lists the lesson, without Join yet.
    const studentPage = await signIn(student, 'student');
    const studentCard = studentPage.locator(`[data-lesson-id="${english.id}"]`);
    await studentCard.waitFor();
    expect(await studentCard.getByRole('link', { name: 'Подключиться' }).count()).toBe(0);

    // Anna starts from her dashboard and lands on the demo meeting page as the host.
    const annaPage = await signIn(anna, 'teacher');
    const annaCard = annaPage.locator(`[data-lesson-id="${english.id}"]`);
    const start = annaCard.getByRole('button', { name: 'Начать урок' });
    await start.waitFor();
    expect(await start.isEnabled()).toBe(true);
    await screenshot(annaPage, 'pool-01-teacher-dashboard-start');
    const [hostPage] = await Promise.all([annaPage.context().waitForEvent('page'), start.click()]);
    await hostPage.waitForURL((url) => url.pathname.startsWith('/demo-meeting/') && url.searchParams.has('host'));
    await hostPage.getByTestId('meeting-role').filter({ hasText: 'Вы ведущий этой встречи' }).waitFor();
    await hostPage.getByText('Английский B1').first().waitFor();
    await screenshot(hostPage, 'pool-02-demo-meeting-host');
    await annaCard.getByRole('button', { name: 'Завершить' }).waitFor();
    await annaCard.getByRole('button', { name: 'Открыть ссылку ведущего' }).waitFor();

    // The student's Join appears without a reload, with the password; it is the participant link.
    const join = studentCard.getByRole('link', { name: 'Подключиться' });
    await join.waitFor();
    const joinUrl = (await join.getAttribute('href')) ?? '';
    expect(joinUrl).toContain('/demo-meeting/');
    expect(joinUrl).not.toContain('host=');
    await studentCard.getByText('Пароль').waitFor();
    await screenshot(studentPage, 'pool-03-student-join');
    await studentPage.setViewportSize({ width: 390, height: 844 });
    await join.waitFor();
    await screenshot(studentPage, 'pool-03b-student-join-phone');
    await studentPage.setViewportSize({ width: 1280, height: 800 });
    const [participantPage] = await Promise.all([studentPage.context().waitForEvent('page'), join.click()]);
    await participantPage.getByTestId('meeting-role').filter({ hasText: 'Вы подключились как участник' }).waitFor();
    expect(await participantPage.getByRole('button', { name: 'Завершить встречу' }).count()).toBe(0);
    await screenshot(participantPage, 'pool-04-demo-meeting-participant');

    // The admin's card flips to Anna's lesson, with a ticking elapsed time.
    const busyCard = adminPage.locator('[data-testid="account-card"][data-state="busy"]');
    await busyCard.filter({ hasText: 'Анна Иванова' }).filter({ hasText: 'Английский B1' }).filter({ hasText: '10-А английский' }).waitFor();
    await adminPage.getByTestId('stat-inUse').filter({ hasText: '1' }).waitFor();
    const elapsed = await busyCard.getByTestId('elapsed').innerText();
    await adminPage.waitForFunction((before) => document.querySelector('[data-testid="elapsed"]')?.textContent !== before, elapsed);
    await adminPage.locator('[data-testid="occupancy-chart"][data-peak="1"]').waitFor();
    await screenshot(adminPage, 'pool-05-admin-pool-in-use');

    // Clara takes the last room through the API; Boris is told the pool is busy.
    const taken = await fetch(`${app.url}/api/lessons/${chemistry.id}/start`, { method: 'POST', headers: { authorization: `Bearer ${clara.token}` } });
    expect(taken.status).toBe(200);
    await adminPage.getByTestId('stat-available').filter({ hasText: '0' }).waitFor();
    const borisPage = await signIn(boris, 'teacher', { fakeClock: true });
    const borisCard = borisPage.locator(`[data-lesson-id="${physics.id}"]`);
    await borisCard.getByRole('button', { name: 'Начать урок' }).click();
    const busy = borisCard.getByTestId('pool-busy');
    await busy.waitFor();
    expect(await busy.innerText()).toMatch(/Все комнаты заняты — попробуем снова через \d+ мин/);
    await screenshot(borisPage, 'pool-06-teacher-pool-busy');
    await borisPage.setViewportSize({ width: 390, height: 844 });
    await screenshot(borisPage, 'pool-06b-teacher-pool-busy-phone');
    await adminPage.locator('[data-testid="occupancy-chart"][data-peak="2"]').waitFor();
    await screenshot(adminPage, 'pool-07-admin-pool-full');

    // The host ends the meeting on the demo page: Join disappears, the card frees, Anna's card says so.
    await hostPage.getByRole('button', { name: 'Завершить встречу' }).click();
    await hostPage.getByRole('button', { name: 'Да, завершить' }).click();
    await hostPage.getByTestId('meeting-ended').filter({ hasText: 'Встреча завершена' }).waitFor();
    await screenshot(hostPage, 'pool-08-demo-meeting-ended');
    await join.waitFor({ state: 'detached' });
    await busyCard.filter({ hasText: 'Анна Иванова' }).waitFor({ state: 'detached' });
    await adminPage.getByTestId('stat-available').filter({ hasText: '1' }).waitFor();
    expect(await busyCard.count()).toBe(1);
    await annaCard.getByText('Урок завершён').waitFor();
    await screenshot(adminPage, 'pool-09-admin-pool-after-end');
    await screenshot(studentPage, 'pool-10-student-after-end');

    // Boris's page retries by itself when its countdown runs out, and gets the freed room.
    await borisPage.setViewportSize({ width: 1280, height: 800 });
    await borisPage.clock.fastForward('02:05');
    const borisEnd = borisCard.getByRole('button', { name: 'Завершить' });
    await borisEnd.waitFor();
    expect(await busy.count()).toBe(0);
    await busyCard.filter({ hasText: 'Борис Петров' }).filter({ hasText: 'Физика' }).waitFor();
    await borisEnd.click();
    await borisCard.getByTestId('inline-confirm').filter({ hasText: 'Завершить урок «Физика»?' }).waitFor();
    await borisCard.getByRole('button', { name: 'Да, завершить' }).click();
    await borisCard.getByText('Урок завершён').waitFor();
    await busyCard.filter({ hasText: 'Борис Петров' }).waitFor({ state: 'detached' });
  });

  it('the admin adds a Zoom account with write-only credentials, releases a room by hand and reads the audit log', async () => {
    const page = adminPage;
    await page.getByRole('button', { name: 'Добавить аккаунт' }).click();
    const form = page.getByRole('form', { name: 'Новый аккаунт' });
    await form.getByLabel('Провайдер').selectOption('zoom');
    await form.getByLabel('Название').fill('Zoom Pro 1');
    await form.getByLabel('Почта аккаунта').fill('zoom1@school.example');
    await form.getByLabel('Account ID').fill('acc-123');
    await form.getByLabel('Client ID').fill('client-123');
    await form.getByLabel('Client secret').fill('secret-value-123');
    await form.getByLabel('Пользователь Zoom').fill('host@school.example');
    await screenshot(page, 'pool-11-admin-add-zoom-account');
    await form.getByRole('button', { name: 'Добавить' }).click();
    const zoomCard = page.getByRole('article', { name: 'Zoom Pro 1' });
    await zoomCard.getByText('заданы').waitFor();
    expect(await page.content()).not.toContain('secret-value-123');
    await page.getByTestId('stat-total').filter({ hasText: '3' }).waitFor();

    // Edit: a new label and capacity; the credentials stay set without being shown.
    await zoomCard.getByRole('button', { name: 'Изменить' }).click();
    const edit = page.getByRole('form', { name: 'Аккаунт «Zoom Pro 1»' });
    expect(await edit.getByLabel('Client secret').inputValue()).toBe('');
    await edit.getByLabel('Название').fill('Zoom Business 1');
    await edit.getByLabel('Одновременных встреч').fill('2');
    await edit.getByRole('button', { name: 'Сохранить' }).click();
    const renamed = page.getByRole('article', { name: 'Zoom Business 1' });
    await renamed.getByText('0 из 2').waitFor();
    await renamed.getByText('заданы').waitFor();

    // Deactivate, then release Clara's room by hand.
    await renamed.getByRole('button', { name: 'Отключить' }).click();
    await renamed.getByTestId('account-state').filter({ hasText: 'Отключён' }).waitFor();
    const busyCard = page.locator('[data-testid="account-card"][data-state="busy"]');
    await busyCard.getByRole('button', { name: 'Освободить' }).click();
    // The forced release says what ends and takes a reason for the teacher.
    const releaseDialog = page.getByTestId('release-dialog');
    await releaseDialog.getByText('Идущие уроки (1) завершатся сразу').waitFor();
    await releaseDialog.getByRole('button', { name: 'Освободить и завершить уроки' }).click();
    await releaseDialog.getByText('Напишите причину').waitFor();
    expect(await busyCard.count()).toBe(1);
    await releaseDialog.getByLabel('Причина').fill('Аккаунт переводим на другой тариф');
    await releaseDialog.getByRole('button', { name: 'Освободить и завершить уроки' }).click();
    await releaseDialog.waitFor({ state: 'detached' });
    await busyCard.waitFor({ state: 'detached' });
    await page.getByTestId('stat-inUse').filter({ hasText: '0' }).waitFor();
    await screenshot(page, 'pool-12-admin-pool-managed');

    // The audit log lists the starts, the refused start and the releases; filters narrow it.
    await page.getByRole('navigation').getByRole('link', { name: 'Журнал действий' }).click();
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    await table.getByRole('cell', { name: 'Начал урок' }).first().waitFor();
    await table.getByRole('cell', { name: 'Освобождён администратором' }).waitFor();
    await table.getByRole('cell', { name: 'Встреча завершена у провайдера' }).waitFor();
    await table.getByText('все комнаты заняты').waitFor();
    await screenshot(page, 'pool-13-audit-log');
    await page.getByLabel('Результат', { exact: true }).selectOption('error');
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].every((row) => row.textContent?.includes('Ошибка')));
    expect(await table.locator('tbody tr').count()).toBe(1);

    // The same pages in English.
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Account pool' }).click();
    await page.getByRole('heading', { name: 'Account pool' }).waitFor();
    await page.getByText('Pool occupancy').waitFor();
    await screenshot(page, 'pool-13b-admin-pool-en');
    await page.getByRole('button', { name: 'RU' }).click();
    await page.getByRole('heading', { name: 'Пул аккаунтов' }).waitFor();
  });

  it("the admin's browser goes offline while lessons start and end, comes back and shows the true state", async () => {
    const f = forFactories(app);
    const page = adminPage;
    await page.goto('/app/pool');
    await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
    await page.getByTestId('stat-inUse').filter({ hasText: '0' }).waitFor();
    const [dina, egor] = [await buildTeacher(f, { firstName: 'Дина', lastName: 'Белова' }), await buildTeacher(f, { firstName: 'Егор', lastName: 'Лис' })];
    const [first, second] = [await lessonFor(dina, 'Музыка', '5-А музыка', 0), await lessonFor(egor, 'История', '7-Б история', 0)];
    const start = (lesson: BuiltLesson, who: BuiltUser) =>
      fetch(`${app.url}/api/lessons/${lesson.id}/start`, { method: 'POST', headers: { authorization: `Bearer ${who.token}` } });

    await page.context().setOffline(true);
    await page.getByTestId('connection').filter({ hasNotText: 'В сети' }).waitFor({ timeout: 60_000 });
    expect((await start(first, dina)).status).toBe(200);
    expect((await start(second, egor)).status).toBe(200);
    await page.waitForTimeout(15_000);
    const ended = await fetch(`${app.url}/api/lessons/${first.id}/end`, { method: 'POST', headers: { authorization: `Bearer ${dina.token}` } });
    expect(ended.status).toBe(200);
    await page.waitForTimeout(15_000);
    await screenshot(page, 'pool-14-admin-offline');

    await page.context().setOffline(false);
    await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="account-card"][data-state="busy"]').filter({ hasText: 'Егор Лис' }).filter({ hasText: 'История' }).waitFor();
    expect(await page.locator('[data-testid="account-card"][data-state="busy"]').count()).toBe(1);
    expect(await page.getByText('Дина Белова').count()).toBe(0);
    await page.getByTestId('stat-inUse').filter({ hasText: '1' }).waitFor();
  });

  it('a teacher starts an occurrence of a weekly series from the calendar and lands on the demo meeting page', async () => {
    const f = forFactories(app);
    await buildAccount(f, { label: 'Room 101' });
    const fyodor = await buildTeacher(f, { firstName: 'Фёдор', lastName: 'Гусев', locale: 'ru' });
    const { group } = await buildGroup(f, { teacher: fyodor, name: '8-Г геометрия' });
    // A zone where it is about noon now, so the occurrence never straddles a midnight.
    const offset = 12 - DateTime.utc().hour;
    const zone = offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
    const local = DateTime.now().setZone(zone).minus({ minutes: 5 }).startOf('minute');
    await buildRule(f, fyodor, group.id, {
      title: 'Геометрия',
      dayOfWeek: local.weekday,
      startTime: local.toFormat('HH:mm'),
      endTime: local.plus({ minutes: 60 }).toFormat('HH:mm'),
      timezone: zone,
      startDate: local.minus({ days: 7 }).toISODate()!,
      endDate: local.plus({ days: 60 }).toISODate()!,
    });

    const page = await signIn(fyodor, 'teacher');
    await page.getByRole('navigation').getByRole('link', { name: 'Расписание' }).click();
    // Near midnight in the browser's zone an occurrence crosses it and the week view draws it in two
    // blocks (and a neighbouring week's occurrence may show its tail): today's block is the one running now.
    // FullCalendar marks an event "today" by its start, so the block is found by today's column.
    await page.locator('.fc-timegrid-col.fc-day-today .fc-timegrid-event', { hasText: 'Геометрия' }).first().click();
    const panel = page.getByTestId('event-panel');
    const start = panel.getByRole('button', { name: 'Начать урок' });
    await start.waitFor();
    expect(await panel.locator('[data-lesson]').getAttribute('data-lesson')).toMatch(/^rule:/);
    await screenshot(page, 'pool-15-calendar-start');
    const [hostPage] = await Promise.all([page.context().waitForEvent('page'), start.click()]);
    await hostPage.getByTestId('meeting-role').filter({ hasText: 'Вы ведущий этой встречи' }).waitFor();
    await hostPage.getByText('8-Г геометрия').first().waitFor();

    // The occurrence is now a stored, live lesson: the panel offers End and the host link again.
    await panel.getByRole('button', { name: 'Открыть ссылку ведущего' }).waitFor();
    await screenshot(page, 'pool-16-calendar-live');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.getByRole('navigation').getByRole('link', { name: 'Главная' }).click();
    const card = page.locator('li[data-lesson-id]', { hasText: 'Геометрия' }).filter({ has: page.getByRole('button', { name: 'Завершить' }) });
    await card.waitFor();
    expect(await card.getAttribute('data-lesson-id')).not.toMatch(/^rule:/);
    await screenshot(page, 'pool-17-dashboard-live');
    // "Open host link" again: a fresh host link from the server, in a new tab.
    const [again] = await Promise.all([page.context().waitForEvent('page'), card.getByRole('button', { name: 'Открыть ссылку ведущего' }).click()]);
    await again.getByTestId('meeting-role').filter({ hasText: 'Вы ведущий этой встречи' }).waitFor();
    // The join link works for anyone holding it, signed in or not, and never as the host.
    const { page: visitor } = await newPage(browser, app.url);
    await visitor.goto(new URL(hostPage.url()).pathname);
    await visitor.getByTestId('meeting-role').filter({ hasText: 'Вы подключились как участник' }).waitFor();
    const id = await card.getAttribute('data-lesson-id');
    await card.getByRole('button', { name: 'Завершить' }).click();
    await card.getByRole('button', { name: 'Да, завершить' }).click();
    await page.locator(`li[data-lesson-id="${id}"]`).getByText('Урок завершён').waitFor();
    await hostPage.getByTestId('meeting-ended').waitFor({ timeout: 15_000 });
  });
});
