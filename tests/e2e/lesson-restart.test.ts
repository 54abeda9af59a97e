import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildAccount, buildLesson } from '../factories/pool.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, screenshot, ShiftedClock, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;
const clock = new ShiftedClock();

beforeAll(async () => {
  app = await startE2eApp({}, clock);
  browser = await launchBrowser();
});

const sql = (text: string, params: unknown[]) => app.infra.orm.em.fork().getConnection().execute(text, params);

async function signIn(user: BuiltUser, roleButton: RegExp): Promise<Page> {
  const { page } = await newPage(browser, app.url);
  await page.goto('/');
  await page.getByRole('button', { name: roleButton }).click();
  await page.waitForURL('**/enter');
  await page.getByLabel('Электронная почта').fill(user.user.email);
  await page.getByLabel('Пароль', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await page.waitForURL((url) => url.pathname === '/app');
  await page.getByTestId('connection').filter({ hasText: 'В сети' }).waitFor();
  return page;
}

/** `m:ss` / `h:mm:ss` → seconds. */
const seconds = (text: string) => {
  const match = /(\d+:)?(\d+):(\d{2})\s*$/.exec(text);
  if (!match) return NaN;
  return (match[1] ? Number(match[1].slice(0, -1)) * 3600 : 0) + Number(match[2]) * 60 + Number(match[3]);
};

describe('ending, starting again and a forced release, in the browser', () => {
  it('the demo room shows who joined and one elapsed time; End asks first and is noticed at once; Start again runs a new meeting; a release names who and why', async () => {
    const f = forFactories(app);
    await buildAccount(f, { label: 'Комната 7' });
    const admin = await buildAdmin(f, { firstName: 'Ольга', lastName: 'Смирнова', locale: 'ru' });
    const teacher = await buildTeacher(f, { firstName: 'Нина', lastName: 'Орлова', locale: 'ru' });
    const student = await buildStudent(f, { firstName: 'Пётр', lastName: 'Ким', locale: 'ru' });
    // A lesson that began five minutes ago and runs 90 minutes: startable now, whatever the hour.
    const lesson = await buildLesson(f, { teacher, title: 'Алгебра', startAt: new Date(clock.now().getTime() - 5 * 60_000), minutes: 90 });
    await sql('update groups set name = ? where id = ?', ['9-А алгебра', lesson.groupId]);
    await sql('insert into group_members (group_id, student_id) values (?, ?)', [lesson.groupId, student.user.id]);

    const teacherPage = await signIn(teacher, /Я преподаватель/);
    const card = teacherPage.locator(`[data-lesson-id="${lesson.id}"]`);
    const [hostPage] = await Promise.all([teacherPage.context().waitForEvent('page'), card.getByRole('button', { name: 'Начать урок' }).click()]);
    await hostPage.getByTestId('meeting-role').filter({ hasText: 'Вы ведущий' }).waitFor();
    // Only the people really there: the teacher, so far; no made-up classmates.
    const hostPeople = hostPage.getByTestId('participant');
    await hostPeople.filter({ hasText: 'Нина Орлова (Вы) · преподаватель' }).waitFor();
    expect(await hostPeople.count()).toBe(1);

    // The student joins from the dashboard; the host's page shows them without a reload.
    const studentPage = await signIn(student, /Я ученик/);
    const join = studentPage.locator(`[data-lesson-id="${lesson.id}"]`).getByRole('link', { name: 'Подключиться' });
    const [roomPage] = await Promise.all([studentPage.context().waitForEvent('page'), join.click()]);
    await roomPage.getByTestId('participant').filter({ hasText: 'Пётр Ким (Вы) · ученик' }).waitFor();
    await hostPeople.filter({ hasText: 'Пётр Ким · ученик' }).waitFor({ timeout: 5_000 });
    expect(await roomPage.getByTestId('participant').count()).toBe(2);
    // One elapsed time for both, counted from the lesson's start (the host page opened earlier).
    const [hostElapsed, roomElapsed] = await Promise.all([hostPage.getByTestId('meeting-elapsed').innerText(), roomPage.getByTestId('meeting-elapsed').innerText()]);
    expect(Math.abs(seconds(hostElapsed) - seconds(roomElapsed))).toBeLessThanOrEqual(2);
    await screenshot(hostPage, 'restart-01-demo-host-with-student');
    await roomPage.setViewportSize({ width: 390, height: 844 });
    await screenshot(roomPage, 'restart-02-demo-student-phone');

    // End asks first and says what happens; keeping on changes nothing.
    await card.getByRole('button', { name: 'Завершить', exact: true }).click();
    const confirm = card.getByTestId('inline-confirm');
    await confirm.filter({ hasText: 'Встреча закроется у всех участников' }).waitFor();
    await card.getByRole('button', { name: 'Продолжить урок' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await sql('select status from lessons where id = ?', [lesson.id]))[0].status).toBe('live');
    await card.getByRole('button', { name: 'Завершить', exact: true }).click();
    await screenshot(teacherPage, 'restart-03-end-confirm');
    const endedAt = Date.now();
    await card.getByRole('button', { name: 'Да, завершить' }).click();
    // The student's room hears the end over the socket, within a couple of seconds (no 10 s poll).
    await roomPage.getByTestId('meeting-ended').waitFor({ timeout: 3_000 });
    expect(Date.now() - endedAt).toBeLessThan(3_000);

    // Ended by mistake: Start again, on a new meeting, while the lesson's time lasts.
    await card.getByText('его можно начать снова').waitFor();
    await screenshot(teacherPage, 'restart-04-ended-start-again');
    const [againPage] = await Promise.all([teacherPage.context().waitForEvent('page'), card.getByRole('button', { name: 'Начать снова' }).click()]);
    await againPage.getByTestId('meeting-role').filter({ hasText: 'Вы ведущий' }).waitFor();
    expect(new URL(againPage.url()).pathname).not.toBe(new URL(hostPage.url()).pathname);
    await card.getByRole('button', { name: 'Завершить', exact: true }).waitFor();
    const leases = await sql('select released_at from meeting_leases where lesson_id = ? order by acquired_at', [lesson.id]);
    expect(leases.map((l) => l.released_at === null)).toEqual([false, true]);

    // The admin releases the room by hand with a reason; the teacher is told who and why, live.
    const adminPage = await signIn(admin, /Я преподаватель/);
    await adminPage.goto('/app/pool');
    const busy = adminPage.locator('[data-testid="account-card"][data-state="busy"]');
    await busy.getByRole('button', { name: 'Освободить' }).click();
    const dialog = adminPage.getByTestId('release-dialog');
    await dialog.getByText('Алгебра · 9-А алгебра · Нина Орлова').waitFor();
    await dialog.getByLabel('Причина').fill('Комнату забираем на педсовет');
    await screenshot(adminPage, 'restart-05-release-dialog');
    await dialog.getByRole('button', { name: 'Освободить и завершить уроки' }).click();
    const notice = teacherPage.getByTestId('lesson-released');
    await notice.filter({ hasText: 'Администратор Ольга Смирнова освободил комнату урока «Алгебра» (9-А алгебра). Причина: «Комнату забираем на педсовет».' }).waitFor();
    await againPage.getByTestId('meeting-ended').waitFor({ timeout: 3_000 });
    await teacherPage.setViewportSize({ width: 390, height: 844 });
    await screenshot(teacherPage, 'restart-06-teacher-told-phone');
    await notice.getByRole('button', { name: 'Понятно' }).click();
    await notice.waitFor({ state: 'detached' });
    const audit = await sql(`select detail from audit_log where action = 'lesson.release.admin' and lesson_id = ?`, [lesson.id]);
    expect(audit.map((row) => (row.detail as { reason?: string }).reason)).toEqual(['Комнату забираем на педсовет']);
  });
});
