import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildLesson } from '../factories/pool.js';
import { buildAdmin, buildStudent, buildTeacher } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, signIn, startE2eApp, type E2eApp } from './support.js';

const SHOTS = '/tmp/gradebook-client';
/** Rendered cells stay within the visible window plus overscan, whatever the table's size. */
const MAX_CELL_ELEMENTS = 1_500;

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});

const sql = (text: string, params: unknown[] = []) => app.infra.orm.em.fork().getConnection().execute(text, params);
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
const STUDENT = /Я ученик/;
/** Live changes arrive well within this; the rank and the chart are re-read at most every two seconds. */
const SOON = { timeout: 10_000 };

/** The text of one gradebook cell (`columnId`, or `=total` / `=mark` for the summary) of a student's row. */
const cell = (page: Page, studentId: string, columnId: string) => page.locator(`[data-student="${studentId}"] [data-cell="${columnId}"]`);

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Marks the page so a reload (which drops the mark) is caught. */
const markPage = (page: Page) => page.evaluate(() => ((window as unknown as { __kept?: number }).__kept = 1));
const pageKept = (page: Page) => page.evaluate(() => (window as unknown as { __kept?: number }).__kept === 1);

describe('the live gradebook in the browser', () => {
  it('a teacher creates a control point and types scores; the admin’s open gradebook and the student’s grades page update without a reload', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Анна', lastName: 'Котова', locale: 'ru' });
    const [ivan, maria] = await Promise.all([
      buildStudent(f, { firstName: 'Иван', lastName: 'Петров', locale: 'ru' }),
      buildStudent(f, { firstName: 'Мария', lastName: 'Соколова', locale: 'ru' }),
    ]);
    const admin = await buildAdmin(f, { firstName: 'Ольга', lastName: 'Смирнова', locale: 'ru' });
    const built = await buildGroup(f, { teacher, students: [ivan!, maria!], name: '9-А алгебра' });
    const groupId = built.group.id;

    const t = await newPage(browser, app.url);
    await signIn(t.page, teacher);
    await t.page.getByRole('navigation').getByRole('link', { name: 'Журнал' }).click();
    await t.page.getByRole('link', { name: '9-А алгебра' }).click();
    await t.page.getByRole('heading', { name: '9-А алгебра' }).waitFor();

    const a = await newPage(browser, app.url);
    await signIn(a.page, admin);
    await a.page.goto(`/app/gradebook/${groupId}`);
    await a.page.getByText('Только просмотр').waitFor();

    const s = await newPage(browser, app.url);
    await s.page.setViewportSize({ width: 390, height: 844 });
    await signIn(s.page, ivan!, STUDENT);
    await s.page.getByRole('link', { name: 'Мои оценки' }).first().click();
    await s.page.getByTestId('my-summary').waitFor();
    await Promise.all([markPage(a.page), markPage(s.page)]);

    // The teacher creates a control point: the new column reaches the admin's table live.
    await t.page.getByRole('button', { name: '+ Контрольная точка' }).click();
    const form = t.page.getByTestId('control-point-form');
    await form.getByLabel('Название').fill('Контрольная №1');
    await form.getByLabel('Максимум баллов').fill('20');
    await form.getByRole('button', { name: 'Создать' }).click();
    await form.waitFor({ state: 'detached' });
    const header = t.page.locator('[data-column^="cp:"]');
    await header.waitFor();
    const columnId = (await header.getAttribute('data-column'))!;
    await a.page.locator(`[data-column="${columnId}"]`).waitFor();

    // Scores typed down the column: out-of-range is refused at the field, Enter moves to the next student.
    await header.getByRole('button').click();
    const sheet = t.page.getByTestId('score-sheet');
    // The header words sit in their own columns: "Освобождён" is not drawn over "Комментарий".
    const headWords = await sheet.locator('.head span').evaluateAll((spans) =>
      spans.map((span) => ({ text: span.textContent, cut: span.scrollWidth > span.clientWidth, right: span.getBoundingClientRect().right, left: span.getBoundingClientRect().left })),
    );
    expect(headWords.filter((word) => word.cut).map((word) => [word.text, word.left, word.right])).toEqual([]);
    expect(headWords[2]!.right).toBeLessThanOrEqual(headWords[3]!.left);
    await shot(t.page, 'teacher-score-sheet-desktop');
    const ivanInput = sheet.locator(`[data-student="${ivan!.user.id}"] input[inputmode="decimal"]`);
    await ivanInput.fill('25');
    await sheet.getByText('От 0 до 20').waitFor();
    expect(await t.page.getByRole('button', { name: 'Сохранить баллы' }).isDisabled()).toBe(true);
    await ivanInput.fill('15');
    await ivanInput.press('Enter');
    const mariaInput = sheet.locator(`[data-student="${maria!.user.id}"] input[inputmode="decimal"]`);
    expect(await mariaInput.evaluate((el) => el === document.activeElement)).toBe(true);
    await t.page.keyboard.type('18');
    await sheet.locator(`[data-student="${maria!.user.id}"] .comment`).fill('Отлично');
    await t.page.getByRole('button', { name: 'Сохранить баллы' }).click();
    await t.page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor();
    await t.page.keyboard.press('Escape');

    // 15 of 20 is 75 %: the only counted category, so the total, and mark 4 on the default scale.
    await expect.poll(() => cell(a.page, ivan!.user.id, columnId).innerText(), SOON).toBe('15');
    await expect.poll(() => cell(a.page, ivan!.user.id, '=total').innerText(), SOON).toBe('75');
    await expect.poll(() => cell(a.page, maria!.user.id, '=total').innerText(), SOON).toBe('90');
    await expect.poll(() => s.page.getByTestId('my-total').innerText(), SOON).toBe('75%');
    await expect.poll(() => s.page.locator(`[data-cell="${columnId}"]`).innerText(), SOON).toContain('15');
    expect(await s.page.getByTestId('my-mark').innerText()).toBe('4');
    await expect.poll(() => s.page.getByTestId('my-rank').innerText(), SOON).toBe('Место в группе: 2 из 2');
    // Ivan's page holds his own row only: Maria's comment and points never reach it.
    expect(await s.page.getByText('Отлично').count()).toBe(0);
    expect(await pageKept(a.page)).toBe(true);
    expect(await pageKept(s.page)).toBe(true);
    await shot(t.page, 'teacher-gradebook-desktop');
    await shot(a.page, 'admin-gradebook-desktop');
    await shot(s.page, 'student-grades-phone');

    // A changed score arrives as one cell event and flashes in the admin's table.
    await ivanInput.waitFor({ state: 'detached' });
    await t.page.setViewportSize({ width: 390, height: 844 });
    await header.getByRole('button').click();
    await shot(t.page, 'teacher-score-sheet-phone');
    await ivanInput.fill('20');
    await t.page.getByRole('button', { name: 'Сохранить баллы' }).click();
    await expect.poll(() => cell(a.page, ivan!.user.id, '=total').innerText(), SOON).toBe('100');
    await t.page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => s.page.getByTestId('my-mark').innerText(), SOON).toBe('5');
    await expect.poll(() => s.page.getByTestId('my-rank').innerText(), SOON).toBe('Место в группе: 1 из 2');
    await shot(s.page, 'student-grades-phone-full', true);
    expect(await pageKept(s.page)).toBe(true);
    await t.page.keyboard.press('Escape');

    // Downloads: named after the group, the CSV opens right in Excel (BOM) and has the table's numbers.
    const [csv] = await Promise.all([t.page.waitForEvent('download'), t.page.getByRole('button', { name: 'Скачать CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/9-А алгебра.*\.csv$/);
    const text = await streamText(await csv.createReadStream());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('Петров Иван');
    const [xlsx] = await Promise.all([t.page.waitForEvent('download'), t.page.getByRole('button', { name: 'Скачать XLSX' }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);

    // The teacher's dashboard and settings tabs.
    await t.page.getByRole('tab', { name: 'Обзор группы' }).click();
    await t.page.getByTestId('gradebook-dashboard').waitFor();
    await t.page.getByText('Никого в зоне риска.').waitFor();
    await shot(t.page, 'teacher-dashboard-desktop');
    await t.page.getByRole('tab', { name: 'Настройки' }).click();
    await t.page.getByTestId('gradebook-settings').waitFor();
    await shot(t.page, 'teacher-settings-desktop');
    await t.page.getByText('Действует: 100%').waitFor();

    // Marks switched off: the mark column leaves the admin's table and the student's page.
    await t.page.getByLabel('Ставить оценку по шкале').uncheck();
    await t.page.getByTestId('gradebook-settings').getByRole('button', { name: 'Сохранить' }).click();
    await t.page.getByText('Настройки сохранены').waitFor();
    await expect.poll(() => cell(a.page, ivan!.user.id, '=mark').count(), SOON).toBe(0);
    await expect.poll(() => s.page.getByTestId('my-mark').count(), SOON).toBe(0);

    // Deleting the control point asks first; then its column is gone everywhere.
    await t.page.getByRole('tab', { name: 'Таблица' }).click();
    await header.getByRole('button').click();
    await t.page.getByRole('button', { name: 'Контрольная точка…' }).click();
    await t.page.getByTestId('control-point-form').getByRole('button', { name: 'Удалить' }).click();
    await t.page.getByTestId('confirm-dialog').getByRole('button', { name: 'Удалить' }).click();
    await expect.poll(() => a.page.locator(`[data-column="${columnId}"]`).count(), SOON).toBe(0);
    await expect.poll(() => s.page.locator(`[data-cell="${columnId}"]`).count(), SOON).toBe(0);
    expect(await pageKept(a.page)).toBe(true);
    expect(await pageKept(s.page)).toBe(true);
  });

  it('a teacher marks attendance in one browser; the gradebook in a second and the student’s grades page in a third update without a reload', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Ирина', lastName: 'Миронова', locale: 'ru' });
    const [boris, vera] = await Promise.all([
      buildStudent(f, { firstName: 'Борис', lastName: 'Алексеев', locale: 'ru' }),
      buildStudent(f, { firstName: 'Вера', lastName: 'Белова', locale: 'ru' }),
    ]);
    const { group } = await buildGroup(f, { teacher, students: [boris!, vera!], name: 'Физика 9А' });
    const lesson = await buildLesson(f, { teacher, groupId: group.id, startAt: new Date(app.clock.now().getTime() - 20 * 60_000), minutes: 90, title: 'Оптика' });

    const book = await newPage(browser, app.url);
    await signIn(book.page, teacher);
    await book.page.goto(`/app/gradebook/${group.id}`);
    await book.page.getByRole('heading', { name: 'Физика 9А' }).waitFor();
    const s = await newPage(browser, app.url);
    await s.page.setViewportSize({ width: 390, height: 844 });
    await signIn(s.page, boris!, STUDENT);
    await s.page.goto('/app/grades');
    await s.page.getByTestId('my-summary').waitFor();
    await Promise.all([markPage(book.page), markPage(s.page)]);

    const marking = await newPage(browser, app.url);
    await signIn(marking.page, teacher);
    await marking.page.goto(`/app/attendance/lessons/${lesson.id}`);
    await marking.page.getByRole('heading', { name: /Оптика/ }).waitFor();
    await marking.page.getByTestId('attendance-list').focus();
    await marking.page.keyboard.press('p');
    await marking.page.keyboard.press('a');
    await marking.page.keyboard.press('Control+s');
    await expect.poll(() => marking.page.getByTestId('attendance-state').innerText(), SOON).toBe('Сохранено');

    // The lesson's first marks add its column: 2 of 2 for Boris (present), 0 for Vera (absent).
    const columnId = `att:${lesson.id}`;
    await expect.poll(() => cell(book.page, boris!.user.id, columnId).innerText(), SOON).toBe('2');
    await expect.poll(() => cell(book.page, vera!.user.id, columnId).innerText(), SOON).toBe('0');
    await expect.poll(() => cell(book.page, boris!.user.id, '=total').innerText(), SOON).toBe('100');
    expect(await cell(book.page, vera!.user.id, columnId).getAttribute('class')).toContain('missing');
    await expect.poll(() => s.page.getByTestId('my-total').innerText(), SOON).toBe('100%');
    await expect.poll(() => s.page.locator(`[data-cell="${columnId}"]`).innerText(), SOON).toContain('2');

    // A correction is one cell: Boris late → 1 of 2.
    await marking.page.getByTestId('attendance-list').focus();
    await marking.page.keyboard.press('k');
    await marking.page.keyboard.press('k');
    await marking.page.keyboard.press('l');
    await marking.page.keyboard.press('Control+s');
    await expect.poll(() => cell(book.page, boris!.user.id, columnId).innerText(), SOON).toBe('1');
    await expect.poll(() => s.page.getByTestId('my-total').innerText(), SOON).toBe('50%');
    expect(await pageKept(book.page)).toBe(true);
    expect(await pageKept(s.page)).toBe(true);
    await shot(book.page, 'attendance-gradebook-desktop');
    await shot(s.page, 'attendance-student-phone');
  });

  it('a student’s grades page watches only after the socket’s session is ready, asks again when a watch goes unanswered, and goes live', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { locale: 'ru' });
    const gleb = await buildStudent(f, { firstName: 'Глеб', lastName: 'Громов-Александровский', locale: 'ru' });
    const { group } = await buildGroup(f, { teacher, students: [gleb], name: 'Химия 8Б' });
    const lesson = await buildLesson(f, { teacher, groupId: group.id, startAt: new Date(app.clock.now().getTime() - 20 * 60_000), minutes: 90, title: 'Кислоты' });
    const s = await newPage(browser, app.url);
    await signIn(s.page, gleb, STUDENT);
    // Every socket frame in order; the page's first watch is swallowed, as a server that is not ready yet would.
    const frames: string[] = [];
    let swallowed = 0;
    await s.page.routeWebSocket(/socket\.io/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const text = String(message);
        frames.push(`client ${text}`);
        if (text.includes('"gradebook:watch"') && swallowed === 0) return void (swallowed += 1);
        server.send(message);
      });
      server.onMessage((message) => {
        frames.push(`server ${String(message)}`);
        ws.send(message);
      });
    });
    await s.page.goto('/app/grades');
    await s.page.getByTestId('my-summary').waitFor();
    await expect.poll(() => frames.filter((frame) => frame.includes('"gradebook:watch"')).length, SOON).toBeGreaterThanOrEqual(2);
    const firstWatch = frames.findIndex((frame) => frame.includes('"gradebook:watch"'));
    const ready = frames.findIndex((frame) => frame.includes('"session:ready"'));
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(firstWatch).toBeGreaterThan(ready);

    await app.ctx.services.attendance.saveMarks({ userId: teacher.user.id, role: 'teacher' }, lesson.id, [{ studentId: gleb.user.id, status: 'present' }]);
    await expect.poll(() => s.page.getByTestId('my-total').innerText(), SOON).toBe('100%');
    await shot(s.page, 'student-grades-live-desktop', true);

    // The teacher's table on a phone: total and mark right after the names, a long name on two lines.
    const book = await newPage(browser, app.url);
    await book.page.setViewportSize({ width: 390, height: 844 });
    await signIn(book.page, teacher);
    await book.page.goto(`/app/gradebook/${group.id}`);
    await cell(book.page, gleb.user.id, '=total').waitFor();
    const total = (await cell(book.page, gleb.user.id, '=total').boundingBox())!;
    expect(total.x + total.width).toBeLessThanOrEqual(390);
    const name = (await book.page.locator(`[data-student="${gleb.user.id}"] .full-name`).boundingBox())!;
    expect(name.height).toBeGreaterThan(20);
    await shot(book.page, 'teacher-gradebook-phone-summary');
  });

  it('a group of 300 students × 200 columns opens and scrolls with a bounded number of cells in the page', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Пётр', lastName: 'Иванов', locale: 'ru' });
    const built = await buildGroup(f, { teacher, name: 'Поток 300' });
    const groupId = built.group.id;
    await seedLargeGroup(groupId, teacher.user.id, 300, 200);

    const t = await newPage(browser, app.url);
    // The longest main-thread task while the table opens, scrolls and takes live marks (a figure, not an assertion).
    await t.page.addInitScript(() => {
      const w = window as unknown as { __longest: number };
      w.__longest = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => (w.__longest = Math.max(w.__longest, e.duration)))).observe({ type: 'longtask', buffered: true });
    });
    const longest = () => t.page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    await signIn(t.page, teacher);
    const opened = Date.now();
    await t.page.goto(`/app/gradebook/${groupId}`);
    const grid = t.page.getByTestId('gradebook-grid');
    await grid.locator('[data-student]').first().waitFor();
    const openMs = Date.now() - opened;
    const cells = () => t.page.locator('[data-cell]').count();
    const first = await cells();
    expect(first).toBeGreaterThan(50);
    expect(first).toBeLessThan(MAX_CELL_ELEMENTS);
    await shot(t.page, 'large-gradebook-desktop');

    // To the far corner: the last student and the last control point are drawn, the rest is not.
    await grid.evaluate((el) => el.scrollTo(el.scrollWidth, el.scrollHeight));
    await t.page.locator('[data-student] .name', { hasText: 'Студент 300' }).waitFor();
    await t.page.locator('[data-column]', { hasText: 'КТ 200' }).waitFor();
    expect(await t.page.locator('[data-student] .name', { hasText: /^Студент 001$/ }).count()).toBe(0);
    expect(await cells()).toBeLessThan(MAX_CELL_ELEMENTS);
    // The name column and the header stay in view when scrolled.
    const nameBox = await t.page.locator('[data-student] .name').first().boundingBox();
    const gridBox = await grid.boundingBox();
    expect(Math.abs(nameBox!.x - gridBox!.x)).toBeLessThan(3);
    await t.page.getByRole('columnheader', { name: 'Студент' }).waitFor();
    await shot(t.page, 'large-gradebook-scrolled-desktop');

    const openLongest = await longest();

    // A burst of live marks into the open 300 × 200 table: each lands as one cell event.
    const actor = { userId: teacher.user.id, role: 'teacher' as const };
    const [lastStudent] = await sql(`select m.student_id as id from group_members m join users u on u.id = m.student_id where m.group_id = ? and u.first_name = '300'`, [groupId]);
    const [lastPoint] = await sql(`select id from control_points where group_id = ? and title = 'КТ 200'`, [groupId]);
    for (let i = 1; i <= 20; i += 1) {
      await app.ctx.services.gradebook.controlPoints.putScores(actor, lastPoint.id, { scores: [{ studentId: lastStudent.id, points: i % 11 }] });
    }
    await expect.poll(() => cell(t.page, lastStudent.id, `cp:${lastPoint.id}`).innerText(), SOON).toBe(String(20 % 11));

    await t.page.setViewportSize({ width: 390, height: 844 });
    await grid.evaluate((el) => el.scrollTo(el.scrollWidth / 2, el.scrollHeight / 2));
    await t.page.locator('[data-student] .name', { hasText: /Студент 1[45]\d/ }).first().waitFor();
    expect(await cells()).toBeLessThan(MAX_CELL_ELEMENTS);
    await shot(t.page, 'large-gradebook-phone');
    await t.page.getByRole('button', { name: 'EN', exact: true }).click();
    await t.page.getByRole('columnheader', { name: 'Student' }).waitFor();
    await t.page.getByRole('tab', { name: 'Group overview' }).waitFor();
    await shot(t.page, 'large-gradebook-phone-en');
    console.log(
      `300 × 200 gradebook: first rows drawn ${openMs} ms after navigation; ${first} cell elements in the page; ` +
        `longest main-thread task ${Math.round(openLongest)} ms opening and scrolling, ${Math.round(await longest())} ms by the end (20 live marks, phone size, language switch)`,
    );
  });
});

/**
 * Students, control points and scores written with set-based SQL (the sign-in factories hash a
 * password per user, far too slow for 300); scores vary so averages and marks differ.
 */
async function seedLargeGroup(groupId: string, teacherId: string, students: number, columns: number): Promise<void> {
  await sql(
    `insert into users (id, email, role, first_name, last_name, email_verified)
     select gen_random_uuid(), 'big-' || n || '-' || ? || '@example.com', 'student', lpad(n::text, 3, '0'), 'Студент', true from generate_series(1, ?) n`,
    [groupId, students],
  );
  await sql(`insert into group_members (group_id, student_id) select ?, id from users where email like ?`, [groupId, `big-%-${groupId}@example.com`]);
  await sql(
    `insert into control_points (id, group_id, title, kind, max_points_h, weight_h, date, created_by, created_at)
     select gen_random_uuid(), ?, 'КТ ' || n, 'test', 1000, 100, date '2026-09-01' + n, ?, now() from generate_series(1, ?) n`,
    [groupId, teacherId, columns],
  );
  await sql(
    `with c as (select id, row_number() over (order by date) as n from control_points where group_id = ?),
          s as (select student_id as id, row_number() over (order by student_id) as n from group_members where group_id = ?)
     insert into control_point_scores (control_point_id, student_id, points_h, excused, updated_by, updated_at)
     select c.id, s.id, case when (s.n + c.n) % 17 = 0 then null else ((s.n * 7 + c.n * 13) % 11) * 100 end, (s.n + c.n) % 17 = 0, ?, now()
     from c cross join s`,
    [groupId, groupId, teacherId],
  );
}
