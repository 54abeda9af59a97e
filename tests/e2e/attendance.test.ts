import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import request from 'supertest';
import { buildAccount, buildLesson } from '../factories/pool.js';
import { buildStudent, buildTeacher } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, signIn, startE2eApp, type E2eApp } from './support.js';

const SHOTS = '/tmp/attendance';
let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  // The server's real clock; the lesson is placed relative to it, so any hour, date and zone works.
  app = await startE2eApp();
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});

const row = (page: Page, studentId: string) => page.locator(`[data-testid="attendance-row"][data-student="${studentId}"]`);

describe('attendance from the lesson card to the student’s page', () => {
  it('a teacher marks a running lesson with the keyboard on the dashboard’s card; each student sees their own mark', async () => {
    const f = forFactories(app);
    const teacher = await buildTeacher(f, { firstName: 'Анна', lastName: 'Котова', locale: 'ru' });
    const students = [
      await buildStudent(f, { firstName: 'Борис', lastName: 'Алексеев', locale: 'ru' }),
      await buildStudent(f, { firstName: 'Вера', lastName: 'Белова', locale: 'ru' }),
      await buildStudent(f, { firstName: 'Глеб', lastName: 'Волков', locale: 'ru' }),
    ];
    const { group } = await buildGroup(f, { teacher, students, name: 'Физика 9А' });
    const now = app.clock.now();
    const lesson = await buildLesson(f, { teacher, groupId: group.id, startAt: new Date(now.getTime() - 20 * 60_000), minutes: 90, title: 'Оптика' });
    const [boris, vera, gleb] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0]];

    const { page } = await newPage(browser, app.url);
    await signIn(page, teacher);
    await page.locator(`[data-lesson="${lesson.id}"]`).getByTestId('mark-attendance').first().click();
    await page.waitForURL(`**/app/attendance/lessons/${lesson.id}`);
    await page.getByRole('heading', { name: /Оптика/ }).waitFor();
    expect(await page.getByTestId('attendance-row').allInnerTexts()).toHaveLength(3);
    // Opened from the dashboard, the way back says so and leads there.
    expect(await page.getByTestId('attendance-back').innerText()).toBe('← На главную');
    expect(await page.getByTestId('attendance-back').getAttribute('href')).toBe('/app');

    // Keyboard only: P marks and moves on, L, A; k goes back up; C opens the comment, Escape returns; 3 = excused.
    const list = page.getByTestId('attendance-list');
    await list.focus();
    await page.keyboard.press('p');
    await page.keyboard.press('l');
    await page.keyboard.press('a');
    await expect.poll(() => row(page, gleb.user.id).getAttribute('data-status')).toBe('absent');
    await page.keyboard.press('c');
    await page.keyboard.type('по болезни');
    await page.keyboard.press('Escape');
    await page.keyboard.press('3');
    await expect.poll(() => row(page, gleb.user.id).getAttribute('data-status')).toBe('excused');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    await page.keyboard.press('2'); // Вера: late again (unchanged)
    await expect.poll(() => page.getByTestId('attendance-state').innerText()).toMatch(/Не сохранено: 3/);
    await page.screenshot({ path: `${SHOTS}/marking-desktop.png`, fullPage: true });
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('attendance-state').innerText()).toBe('Сохранено');

    const marks = await app.infra.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ student_id: string; status: string; comment: string | null }>>('select student_id, status, comment from attendance_marks where lesson_id = ?', [lesson.id], 'all');
    expect(Object.fromEntries(marks.map((m) => [m.student_id, [m.status, m.comment]]))).toEqual({
      [boris.user.id]: ['present', null],
      [vera.user.id]: ['late', null],
      [gleb.user.id]: ['excused', 'по болезни'],
    });

    // On a phone the list stays usable: buttons per status, tap to change.
    await page.setViewportSize({ width: 390, height: 844 });
    await row(page, boris.user.id).getByRole('button', { name: 'Опоздание', exact: true }).click();
    await expect.poll(() => page.getByTestId('attendance-state').innerText()).toMatch(/Не сохранено: 1/);
    await page.screenshot({ path: `${SHOTS}/marking-phone.png`, fullPage: true });
    await row(page, boris.user.id).getByRole('button', { name: 'Присутствует', exact: true }).click();
    await expect.poll(() => page.getByTestId('attendance-save').isDisabled()).toBe(true);

    // The teacher's attendance page lists recent lessons and leads back to the same view.
    await page.getByRole('link', { name: 'Посещаемость' }).first().click();
    await page.waitForURL('**/app/attendance');
    // The lesson under way is among those started (not among the ones still ahead).
    await page.getByTestId('recent-lessons').getByRole('link', { name: 'Оптика' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/attendance-list-phone.png`, fullPage: true });
    await page.getByRole('link', { name: 'Оптика' }).click();
    await page.waitForURL(`**/app/attendance/lessons/${lesson.id}`);
    await expect.poll(() => row(page, gleb.user.id).getAttribute('data-status')).toBe('excused');

    // Each student sees only their own mark.
    for (const [student, status, label] of [
      [boris, 'present', 'Присутствует'],
      [gleb, 'excused', 'Уважительная'],
    ] as const) {
      const { page: studentPage } = await newPage(browser, app.url);
      await studentPage.setViewportSize({ width: 390, height: 844 });
      await signIn(studentPage, student, /Я ученик/);
      await studentPage.goto('/app/attendance');
      const item = studentPage.getByTestId('my-attendance-lesson');
      await item.first().waitFor();
      expect(await item.count()).toBe(1);
      expect(await item.getAttribute('data-status')).toBe(status);
      expect(await item.innerText()).toContain(label);
      expect(await studentPage.getByTestId('my-attendance-total').innerText()).toContain(status === 'present' ? '2 из 2' : '1 из 2');
      const text = await studentPage.getByTestId('my-attendance').innerText();
      if (student === boris) expect(text).not.toContain('по болезни');
      await studentPage.screenshot({ path: `${SHOTS}/student-${status}.png`, fullPage: true });
      await studentPage.context().close();
    }
  });

  it('a demo lesson two students join and one does not: the open marking view suggests present, present, absent; one click confirms', async () => {
    const f = forFactories(app);
    await buildAccount(f, { provider: 'demo' });
    const teacher = await buildTeacher(f, { firstName: 'Ирина', lastName: 'Миронова', locale: 'ru' });
    const students = [
      await buildStudent(f, { firstName: 'Дарья', lastName: 'Орлова', locale: 'ru' }),
      await buildStudent(f, { firstName: 'Егор', lastName: 'Петров', locale: 'ru' }),
      await buildStudent(f, { firstName: 'Жанна', lastName: 'Рыбакова', locale: 'ru' }),
    ];
    const [dasha, egor, zhanna] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0]];
    const { group } = await buildGroup(f, { teacher, students, name: 'Химия 10Б' });
    const lesson = await buildLesson(f, { teacher, groupId: group.id, startAt: new Date(app.clock.now().getTime() - 5 * 60_000), minutes: 60, title: 'Кислоты' });
    const started = await request(app.url).post(`/api/lessons/${lesson.id}/start`).set({ authorization: `Bearer ${teacher.token}` });
    expect(started.status).toBe(200);

    const { page } = await newPage(browser, app.url);
    await signIn(page, teacher);
    await page.goto(`/app/attendance/lessons/${lesson.id}`);
    await page.getByRole('heading', { name: /Кислоты/ }).waitFor();
    await expect.poll(() => row(page, zhanna.user.id).getAttribute('data-status')).toBe('absent');

    // Two students open the demo meeting (what its page does); the open view follows.
    for (const student of [dasha, egor]) {
      await request(app.url).get(`/api/demo-meetings/${started.body.meetingId}`).set({ authorization: `Bearer ${student.token}` }).expect(200);
    }
    for (const student of [dasha, egor]) {
      await expect.poll(() => row(page, student.user.id).getAttribute('data-status')).toBe('present');
      expect(await row(page, student.user.id).getAttribute('data-suggested')).toBe('true');
    }
    expect(await row(page, zhanna.user.id).getAttribute('data-suggested')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/suggestions.png`, fullPage: true });

    // Dasha has her attendance page open; it changes without a reload.
    const { page: dashaPage } = await newPage(browser, app.url);
    await signIn(dashaPage, dasha, /Я ученик/);
    await dashaPage.goto('/app/attendance');
    await dashaPage.getByText('Отметок пока нет.').waitFor();

    await page.getByTestId('attendance-confirm').click();
    await expect.poll(() => page.getByTestId('attendance-state').innerText()).toBe('Сохранено');
    for (const [student, status] of [[dasha, 'present'], [egor, 'present'], [zhanna, 'absent']] as const) {
      expect(await row(page, student.user.id).getAttribute('data-status')).toBe(status);
      expect(await row(page, student.user.id).getAttribute('data-suggested')).toBe('false');
    }
    await dashaPage.getByTestId('my-attendance-lesson').filter({ hasText: 'Присутствует' }).waitFor();
    expect(await dashaPage.getByTestId('my-attendance-lesson').count()).toBe(1);

    // The group's points: absent now costs nothing, present earns 3 of 3; Dasha's page follows.
    const settings = page.getByTestId('attendance-settings');
    await settings.getByText('Баллы и опоздание').click();
    await settings.getByLabel('Максимум').fill('3');
    await settings.getByLabel('Присутствует').fill('3');
    await settings.getByLabel('Опоздание после, мин').fill('15');
    await settings.getByRole('button', { name: 'Сохранить' }).click();
    await dashaPage.getByTestId('my-attendance-total').filter({ hasText: '3 из 3' }).waitFor();
    const saved = await request(app.url).get(`/api/groups/${group.id}/attendance-settings`).set({ authorization: `Bearer ${teacher.token}` });
    expect(saved.body).toEqual({ points: { present: 3, late: 1, excused: 1, absent: 0 }, maxPoints: 3, lateAfterMinutes: 15 });
  });

  it('a student confirmed absent who then joins late: the saved mark shows the meeting’s differing suggestion, accepted with one click', async () => {
    const f = forFactories(app);
    await buildAccount(f, { provider: 'demo' });
    const teacher = await buildTeacher(f, { locale: 'ru' });
    const ivan = await buildStudent(f, { firstName: 'Иван', lastName: 'Зорин', locale: 'ru' });
    const { group } = await buildGroup(f, { teacher, students: [ivan], name: 'История 7В' });
    const lesson = await buildLesson(f, { teacher, groupId: group.id, startAt: new Date(app.clock.now().getTime() - 20 * 60_000), minutes: 90, title: 'Реформы' });
    const started = await request(app.url).post(`/api/lessons/${lesson.id}/start`).set({ authorization: `Bearer ${teacher.token}` });
    expect(started.status).toBe(200);
    // The teacher opened the meeting on time, twenty minutes ago.
    await app.infra.orm.em.fork().getConnection().execute('update lessons set started_at = start_at where id = ?', [lesson.id]);
    const { page } = await newPage(browser, app.url);
    await signIn(page, teacher);
    await page.goto(`/app/attendance/lessons/${lesson.id}`);
    await page.getByRole('heading', { name: /Реформы/ }).waitFor();
    await page.getByTestId('attendance-confirm').click();
    await expect.poll(() => page.getByTestId('attendance-state').innerText()).toBe('Сохранено');
    expect(await row(page, ivan.user.id).getAttribute('data-status')).toBe('absent');
    expect(await page.getByTestId('attendance-differs').count()).toBe(0);

    // Twenty minutes in (more than the default 10) he opens the meeting: the meeting now says late.
    await request(app.url).get(`/api/demo-meetings/${started.body.meetingId}`).set({ authorization: `Bearer ${ivan.token}` }).expect(200);
    const differs = row(page, ivan.user.id).getByTestId('attendance-differs');
    await differs.waitFor();
    expect(await differs.innerText()).toContain('по встрече: Опоздание');
    expect(await row(page, ivan.user.id).getAttribute('data-status')).toBe('absent');
    await page.screenshot({ path: `${SHOTS}/late-join-after-confirm.png`, fullPage: true });
    await differs.getByTestId('attendance-accept').click();
    await expect.poll(() => row(page, ivan.user.id).getAttribute('data-status')).toBe('late');
    await expect.poll(() => page.getByTestId('attendance-differs').count()).toBe(0);
    const marks = await request(app.url).get(`/api/lessons/${lesson.id}/attendance`).set({ authorization: `Bearer ${teacher.token}` });
    expect(marks.body.marks.map((m: { status: string }) => m.status)).toEqual(['late']);
  });
});
