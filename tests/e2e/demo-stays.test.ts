import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { buildGroup } from '../factories/groups.js';
import { buildAccount, buildLesson } from '../factories/pool.js';
import { buildStudent, buildTeacher } from '../factories/users.js';
import { forFactories, launchBrowser, newPage, screenshot, signIn, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchBrowser();
});

const stays = (userId: string) =>
  app.infra.orm.em.fork().getConnection().execute<Array<{ left_at: Date | null }>>(`select left_at from demo_meeting_stays where user_id = ? order by joined_at`, [userId]);

describe('time in the demo meeting room, in the browser', () => {
  it('the open demo page is a stay in the meeting; closing its tab ends it, opening it again starts another', async () => {
    const f = forFactories(app);
    await buildAccount(f, { provider: 'demo' });
    const teacher = await buildTeacher(f, { locale: 'ru' });
    const student = await buildStudent(f, { firstName: 'Дарья', lastName: 'Орлова', locale: 'ru' });
    const { group } = await buildGroup(f, { teacher, students: [student], name: 'Химия 10Б' });
    const lesson = await buildLesson(f, { teacher, groupId: group.id, startAt: new Date(app.clock.now().getTime() - 5 * 60_000), minutes: 60, title: 'Кислоты' });
    const started = await request(app.url).post(`/api/lessons/${lesson.id}/start`).set({ authorization: `Bearer ${teacher.token}` });
    expect(started.status).toBe(200);

    const { context, page } = await newPage(browser, app.url);
    await signIn(page, student, /Я ученик/);
    const room = await context.newPage();
    await room.goto(`/demo-meeting/${started.body.meetingId}`);
    await room.getByTestId('meeting-role').filter({ hasText: 'Вы подключились как участник' }).waitFor();
    await expect.poll(async () => (await stays(student.user.id)).map((s) => s.left_at === null)).toEqual([true]);
    await screenshot(room, 'demo-stays-01-open');

    await room.close({ runBeforeUnload: true });
    await expect.poll(async () => (await stays(student.user.id)).map((s) => s.left_at === null)).toEqual([false]);

    const again = await context.newPage();
    await again.goto(`/demo-meeting/${started.body.meetingId}`);
    await again.getByTestId('meeting-role').filter({ hasText: 'Вы подключились как участник' }).waitFor();
    await expect.poll(async () => (await stays(student.user.id)).map((s) => s.left_at === null)).toEqual([false, true]);
    await context.close();
    await expect.poll(async () => (await stays(student.user.id)).map((s) => s.left_at === null)).toEqual([false, false]);
  });
});
