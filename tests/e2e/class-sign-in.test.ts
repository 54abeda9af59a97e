import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildAccounts, buildLesson } from '../factories/pool.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, screenshot, signIn, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
});

const ZONE = 'Europe/Moscow';
const CLASS_SIZE = 200;
/** The class does not press Enter in the same millisecond: their sign-ins start at random within this. */
const SPREAD_MS = 2_000;

/** What the class machine's page keeps while its sign-ins run, so the test can follow their progress. */
interface BurstProgress {
  total: number;
  answered: number;
}
interface SignInAnswer {
  status: number;
  hasToken: boolean;
  ms: number;
}

const eventBox = (page: Page, title: string) => page.locator('.fc-timegrid-event', { hasText: title });
const outstanding = (page: Page) =>
  page.evaluate(() => {
    const progress = (window as unknown as { burst: BurstProgress }).burst;
    return progress.total - progress.answered;
  });
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

/** Runs `work` and says how long it took and how many sign-ins were still unanswered when it finished. */
async function timed(classPage: Page, work: () => Promise<void>): Promise<{ ms: number; outstanding: number }> {
  const started = performance.now();
  await work();
  const ms = Math.round(performance.now() - started);
  return { ms, outstanding: await outstanding(classPage) };
}

/**
 * Fires one sign-in per student from the page, each after a random pause within `spreadMs`, as a class
 * does at the start of a lesson; resolves with every answer once all are in.
 */
function signInBurst(page: Page, emails: string[], password: string): Promise<{ answers: SignInAnswer[]; totalMs: number }> {
  return page.evaluate(
    async ({ emails, password, spreadMs }) => {
      const progress: BurstProgress = { total: emails.length, answered: 0 };
      (window as unknown as { burst: BurstProgress }).burst = progress;
      const started = performance.now();
      const signInOne = async (email: string): Promise<SignInAnswer> => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * spreadMs));
        const sent = performance.now();
        try {
          const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
          const body = (await res.json().catch(() => ({}))) as { accessToken?: unknown };
          return { status: res.status, hasToken: typeof body.accessToken === 'string' && body.accessToken.length > 0, ms: performance.now() - sent };
        } catch {
          return { status: 0, hasToken: false, ms: performance.now() - sent };
        } finally {
          progress.answered += 1;
        }
      };
      const answers = await Promise.all(emails.map(signInOne));
      return { answers, totalMs: performance.now() - started };
    },
    { emails, password, spreadMs: SPREAD_MS },
  );
}

describe('a whole class signing in at once, in the browser', () => {
  it("200 students of a group sign in together from one machine while the teacher's calendar and the admin's pool page keep working", async () => {
    const f = forFactories(app);
    await buildAccounts(f, 2);
    const admin = await buildAdmin(f, { firstName: 'Ольга', lastName: 'Смирнова', locale: 'ru', timezone: ZONE });
    const teacher = await buildTeacher(f, { firstName: 'Анна', lastName: 'Иванова', locale: 'ru', timezone: ZONE });
    // The factories hash the default password once and store that hash for every student.
    const students: BuiltUser[] = [];
    while (students.length < CLASS_SIZE) students.push(...(await Promise.all(Array.from({ length: 20 }, () => buildStudent(f, { locale: 'ru', timezone: ZONE })))));
    const { group } = await buildGroup(f, { teacher, students, name: '8-А английский' });
    // A lesson running now: whatever the date, hour or zone, it overlaps the week the calendar opens
    // on, and the teacher may start it.
    const title = 'Английский: общий урок';
    const lesson = await buildLesson(f, { teacher, groupId: group.id, title, startAt: new Date(Date.now() - 5 * 60_000), minutes: 90 });

    // The teacher's calendar, in a browser of its own.
    const { page: calendarPage } = await newPage(browser, app.url);
    await calendarPage.setViewportSize({ width: 1280, height: 1500 });
    await signIn(calendarPage, teacher);
    await calendarPage.getByRole('navigation').getByRole('link', { name: 'Расписание' }).click();
    await eventBox(calendarPage, title).first().waitFor();
    const shownWeek = (await calendarPage.locator('td.fc-timegrid-col[data-date]').first().getAttribute('data-date'))!;
    const nextWeek = DateTime.fromISO(shownWeek).plus({ days: 7 }).toISODate()!;

    // The admin's pool page, in another.
    const { page: poolPage } = await newPage(browser, app.url);
    await signIn(poolPage, admin);
    await poolPage.goto('/app/pool');
    await poolPage.locator('[data-testid="account-card"][data-state="free"]').nth(1).waitFor();
    await poolPage.getByTestId('stat-inUse').filter({ hasText: '0' }).waitFor();
    // Gone after a reload: its presence at the end shows the change arrived live.
    await poolPage.evaluate(() => ((window as unknown as { samePage: boolean }).samePage = true));

    // The class machine: one browser, one address, on the app's origin.
    const { page: classPage } = await newPage(browser, app.url);
    await classPage.goto('/');
    await classPage.getByRole('button', { name: /Я ученик/ }).waitFor();

    const burst = signInBurst(classPage, students.map((s) => s.user.email), students[0]!.password);
    // The interactions start once the server is answering the class, so they overlap the burst.
    await classPage.waitForFunction(() => ((window as unknown as { burst?: BurstProgress }).burst?.answered ?? 0) > 0, undefined, { polling: 50, timeout: 60_000 });

    const calendarWork = timed(classPage, async () => {
      await calendarPage.locator('.fc-next-button').click();
      await calendarPage.locator(`td.fc-timegrid-col[data-date="${nextWeek}"]`).waitFor();
      await calendarPage.locator('.fc-prev-button').click();
      await calendarPage.locator(`td.fc-timegrid-col[data-date="${shownWeek}"]`).waitFor();
      await eventBox(calendarPage, title).first().waitFor();
    });
    const poolWork = timed(classPage, async () => {
      const started = await fetch(`${app.url}/api/lessons/${lesson.id}/start`, { method: 'POST', headers: { authorization: `Bearer ${teacher.token}` } });
      expect(started.status).toBe(200);
      await poolPage.locator('[data-testid="account-card"][data-state="busy"]').filter({ hasText: 'Анна Иванова' }).filter({ hasText: title }).filter({ hasText: group.name }).waitFor();
      await poolPage.getByTestId('stat-inUse').filter({ hasText: '1' }).waitFor();
    });
    const [calendar, pool] = await Promise.all([calendarWork, poolWork]);
    await screenshot(calendarPage, 'class-sign-in-01-teacher-calendar-during-burst');
    await screenshot(poolPage, 'class-sign-in-02-admin-pool-during-burst');

    const { answers, totalMs } = await burst;
    const latencies = answers.map((a) => a.ms);
    console.log(
      [
        `class sign-in: ${answers.length} sign-ins, started over ${SPREAD_MS} ms, all answered after ${Math.round(totalMs)} ms`,
        `  per sign-in: median ${Math.round(percentile(latencies, 50))} ms, p95 ${Math.round(percentile(latencies, 95))} ms, max ${Math.round(Math.max(...latencies))} ms`,
        `  calendar next/previous week with the lesson shown again: ${calendar.ms} ms (${calendar.outstanding} sign-ins still unanswered)`,
        `  lesson start shown live on the pool page: ${pool.ms} ms (${pool.outstanding} sign-ins still unanswered)`,
      ].join('\n'),
    );

    expect(answers.filter((a) => a.status !== 200 || !a.hasToken)).toEqual([]);
    expect(answers).toHaveLength(CLASS_SIZE);
    expect(await poolPage.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
    await eventBox(calendarPage, title).first().waitFor();
  }, 180_000);
});
