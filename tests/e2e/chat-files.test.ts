import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildGroup } from '../factories/groups.js';
import { buildStudent, buildTeacher } from '../factories/users.js';
import { startFakeS3, type FakeS3 } from '../fakes/s3.js';
import { sidewaysJpeg } from '../server/chat/images.js';
import { forFactories, launchBrowser, newPage, screenshot, signIn, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;
let s3: FakeS3;

beforeAll(async () => {
  s3 = await startFakeS3();
  app = await startE2eApp(s3.env());
  browser = await launchBrowser();
});
afterAll(() => s3.close());

describe('chat files in the browser, kept in an S3-compatible store', () => {
  it('a photo shows inline as its upright preview; a click opens the original', async () => {
    const teacher = await buildTeacher(forFactories(app), { firstName: 'Нина', lastName: 'Козлова', locale: 'ru' });
    const student = await buildStudent(forFactories(app), { firstName: 'Глеб', lastName: 'Носов', locale: 'ru' });
    const { group } = await buildGroup(forFactories(app), { teacher, students: [student], name: 'Биология 8В' });
    const t = await newPage(browser, app.url);
    const s = await newPage(browser, app.url);
    await s.page.setViewportSize({ width: 390, height: 780 });
    await Promise.all([signIn(t.page, teacher), signIn(s.page, student, /Я ученик/)]);
    for (const { page } of [t, s]) {
      await page.goto('/app/chats');
      await page.getByTestId('chat-list').getByRole('button', { name: new RegExp(group.name) }).click();
    }

    // Taken with the phone held upright: stored 1200 × 800 with EXIF "turn a quarter".
    const photo = await sidewaysJpeg(1200, 800);
    await t.page.getByTestId('attach-input').setInputFiles([{ name: 'лист.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await t.page.getByText('лист.jpg').waitFor();
    await t.page.getByTestId('send').click();

    const image = s.page.locator('[data-testid="attachment-image"] img');
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(213);
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(320);
    expect(await image.getAttribute('src')).not.toBe(await s.page.getByTestId('attachment-image').getAttribute('href'));
    await screenshot(s.page, 'chat-photo-preview');

    const original = await s.page.getByTestId('attachment-image').getAttribute('href');
    const [opened] = await Promise.all([s.context.waitForEvent('page'), s.page.getByTestId('attachment-image').click()]);
    await opened.waitForLoadState();
    expect(new URL(opened.url()).pathname).toBe(original);
    const response = await s.context.request.get(original!);
    expect(response.headers()['content-type']).toBe('image/jpeg');
    expect(Buffer.compare(await response.body(), photo)).toBe(0);
    // Both files went through the bucket, and every request was signed right.
    expect(s3.objects.size).toBe(2);
    expect(s3.refused).toEqual([]);
  });
});
