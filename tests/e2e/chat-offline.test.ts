import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { buildGroup } from '../factories/groups.js';
import { buildLesson } from '../factories/schedule.js';
import { buildStudent, buildTeacher } from '../factories/users.js';
import { wholeHistoryOf, write } from './chat-support.js';
import { forFactories, launchBrowser, newPage, screenshot, signIn, startE2eApp, type E2eApp } from './support.js';

let app: E2eApp;
let browser: Browser;
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startE2eApp({ CHAT_SEND_BURST: '0' });
  browser = await launchBrowser();
});
afterAll(() => sockets.forEach((s) => s.disconnect()));

/** Writes into a chat over a socket of its own, as another device of the user would. */
async function sendAs(token: string, chatId: string, texts: string[]): Promise<void> {
  const socket = io(app.url, { auth: { token }, transports: ['websocket'], forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.once('session:ready', () => resolve()));
  for (const [i, text] of texts.entries()) {
    const ack = (await socket.timeout(5_000).emitWithAck('chat:send', { chatId, clientId: `seed${i}x${Date.now().toString(36)}`, text })) as { ok: boolean };
    if (!ack.ok) throw new Error(`seeding failed at ${i}: ${JSON.stringify(ack)}`);
  }
  socket.disconnect();
}

/** The group's chat (made on first ask). */
async function groupChatId(token: string, groupId: string): Promise<string> {
  const res = await fetch(`${app.url}/api/groups/${groupId}/chat`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`group chat → ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}

async function openGroupChat(page: Page, name: string): Promise<void> {
  await page.goto('/app/chats');
  await page.getByTestId('chat-list').getByRole('button', { name: new RegExp(name) }).click();
  await page.getByTestId('message').first().waitFor();
}

describe('chat: an offline message outlives a reload; search shows a message in context', () => {
  it('a message written offline is still there after a reload and arrives exactly once when the connection is back', async () => {
    const teacher = await buildTeacher(forFactories(app), { firstName: 'Ирина', lastName: 'Смирнова', locale: 'ru' });
    const student = await buildStudent(forFactories(app), { firstName: 'Олег', lastName: 'Титов', locale: 'ru' });
    const { group } = await buildGroup(forFactories(app), { teacher, students: [student], name: 'Физика 9Б' });
    const chatId = await groupChatId(teacher.token, group.id);
    await sendAs(teacher.token, chatId, ['Добрый вечер']);

    const s = await newPage(browser, app.url);
    await s.page.setViewportSize({ width: 390, height: 780 });
    await signIn(s.page, student, /Я ученик/);
    await openGroupChat(s.page, group.name);

    // The live connection cannot be made (the page itself still loads): the server drops the socket,
    // and neither its WebSocket nor its long-polling fallback gets through until the network is back.
    let networkBack = false;
    await s.page.routeWebSocket(/\/socket\.io\//, (ws) => (networkBack ? ws.connectToServer() : ws.close()));
    await s.page.route('**/socket.io/**', (route) => (networkBack ? route.continue() : route.abort()));
    for (const socket of await app.io.in(`user:${student.user.id}`).fetchSockets()) (socket as unknown as { conn: { close(): void } }).conn.close();
    await s.page.getByText('Нет связи').waitFor();
    await write(s.page, 'Написал без связи, перезагружаю');
    await expect.poll(() => s.page.getByTestId('pending').count()).toBe(1);

    await s.page.reload();
    await s.page.getByTestId('pending').filter({ hasText: 'Написал без связи, перезагружаю' }).waitFor();
    // Still no connection after the reload, so the message cannot have gone yet.
    await s.page.getByText('Нет связи').waitFor();
    await screenshot(s.page, 'chat-offline-after-reload');
    expect(await wholeHistoryOf(app, group.id)).toHaveLength(1);

    networkBack = true;
    await s.page.getByTestId('message').filter({ hasText: 'Написал без связи, перезагружаю' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => s.page.getByTestId('pending').count()).toBe(0);
    // Nothing is left to resend, and a further reload sends nothing again.
    expect(await s.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tp.chat.outbox.')))).toEqual([]);
    await s.page.reload();
    await s.page.getByTestId('message').filter({ hasText: 'Написал без связи, перезагружаю' }).waitFor();
    expect((await wholeHistoryOf(app, group.id)).map((m) => m.text)).toEqual(['Добрый вечер', 'Написал без связи, перезагружаю']);
    await screenshot(s.page, 'chat-offline-delivered');
    await s.context.close();
  });

  it('a search result far back opens the chat at that message, highlighted, with its neighbours', async () => {
    const teacher = await buildTeacher(forFactories(app), { firstName: 'Павел', lastName: 'Орлов', locale: 'ru' });
    const student = await buildStudent(forFactories(app), { firstName: 'Вера', lastName: 'Лаптева', locale: 'ru' });
    const { group } = await buildGroup(forFactories(app), { teacher, students: [student], name: 'Химия 10А' });
    const chatId = await groupChatId(teacher.token, group.id);
    const filler = Array.from({ length: 160 }, (_, i) => `Сообщение номер ${i + 2}`);
    await sendAs(student.token, chatId, ['Контрольная переносится на четверг', ...filler]);

    const t = await newPage(browser, app.url);
    await signIn(t.page, teacher);
    await openGroupChat(t.page, group.name);
    await t.page.getByTestId('message').filter({ hasText: 'Сообщение номер 161' }).waitFor();
    expect(await t.page.locator('[data-testid="message"][data-seq="1"]').count()).toBe(0);

    await t.page.getByPlaceholder('Поиск по сообщениям').fill('контрольной');
    await t.page.getByPlaceholder('Поиск по сообщениям').press('Enter');
    await t.page.getByTestId('search-hit').click();
    const target = t.page.locator('[data-testid="message"][data-seq="1"]');
    await target.waitFor();
    await expect.poll(() => target.getAttribute('data-highlight')).toBe('');
    await expect.poll(() => target.isVisible()).toBe(true);
    const box = await target.boundingBox();
    const pane = await t.page.getByTestId('messages').boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(pane!.y - 1);
    expect(box!.y + box!.height).toBeLessThanOrEqual(pane!.y + pane!.height + 1);
    // The run from the message to the newest is whole: scrolling down reaches the end without gaps.
    const seqs = (await t.page.getByTestId('message').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq')))));
    expect(seqs).toEqual(Array.from({ length: 161 }, (_, i) => i + 1));
    await screenshot(t.page, 'chat-search-jump');

    // The group's teacher turns the students' 1:1 chats off from the group chat's header.
    const settings = async () => ((await (await fetch(`${app.url}/api/groups/${group.id}/chat-settings`, { headers: { Authorization: `Bearer ${teacher.token}` } })).json()) as { studentsDirect: boolean }).studentsDirect;
    expect(await settings()).toBe(true);
    await t.page.getByTestId('students-direct').getByRole('checkbox').uncheck();
    await expect.poll(settings).toBe(false);
    await t.page.reload();
    await expect.poll(() => t.page.getByTestId('students-direct').getByRole('checkbox').isChecked()).toBe(false);
    await t.context.close();
  });
});

/** Whether a message sits wholly inside the scrolling message pane. */
async function shownInPane(page: Page, seq: number): Promise<boolean> {
  const box = await page.locator(`[data-testid="message"][data-seq="${seq}"]`).boundingBox();
  const pane = await page.getByTestId('messages').boundingBox();
  return !!box && !!pane && box.y >= pane.y - 1 && box.y + box.height <= pane.y + pane.height + 1;
}

/** The student's read position, told over a socket of its own (as another device would). */
async function readUpTo(token: string, chatId: string, seq: number): Promise<void> {
  const socket = io(app.url, { auth: { token }, transports: ['websocket'], forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.once('session:ready', () => resolve()));
  const ack = (await socket.timeout(5_000).emitWithAck('chat:read', { chatId, seq })) as { ok: boolean };
  if (!ack.ok) throw new Error(`read failed: ${JSON.stringify(ack)}`);
  socket.disconnect();
}

describe('chat: where the view opens and stays, the phone layout, the unread total', () => {
  it('opens at the first unread message, stays at the bottom as messages come, counts them when scrolled up; fits a phone', async () => {
    const teacher = await buildTeacher(forFactories(app), { firstName: 'Нина', lastName: 'Белова', locale: 'ru' });
    const student = await buildStudent(forFactories(app), { firstName: 'Игорь', lastName: 'Ветров', locale: 'ru' });
    const { group } = await buildGroup(forFactories(app), { teacher, students: [student], name: 'Алгебра 8В' });
    await buildLesson(forFactories(app), teacher, group.id, new Date(app.clock.now().getTime() + 26 * 3_600_000).toISOString(), 60, 'Дроби');
    const chatId = await groupChatId(teacher.token, group.id);
    await sendAs(teacher.token, chatId, Array.from({ length: 40 }, (_, i) => (i === 39 ? '**Важно**: завтра _контрольная_' : `Сообщение ${i + 1}`)));
    await readUpTo(student.token, chatId, 30);

    const s = await newPage(browser, app.url);
    await signIn(s.page, student, /Я ученик/);
    // The total of unread messages is on the menu on every page; the dashboard's dates are lower-case.
    await expect.poll(() => s.page.getByTestId('nav-unread').innerText()).toBe('10');
    expect(await s.page.locator('.day').first().innerText()).toMatch(/^[а-яё]{2}, \d+ [а-яё]+\.?$/);
    await screenshot(s.page, 'chat-view-dashboard');
    // On a phone the sideways menu keeps the chats item, with its badge, in view.
    await s.page.setViewportSize({ width: 390, height: 844 });
    const badge = await s.page.getByTestId('nav-unread').boundingBox();
    expect(badge!.x + badge!.width).toBeLessThanOrEqual(390);
    await screenshot(s.page, 'chat-view-dashboard-phone');
    await s.page.setViewportSize({ width: 1280, height: 800 });

    await s.page.goto('/app/chats');
    const item = s.page.getByTestId('chat-list').getByRole('button', { name: new RegExp(group.name) });
    expect(await item.locator('.preview').innerText()).toBe('Нина Белова: Важно: завтра контрольная');
    await item.click();
    // At the first unread message, after the separator; not at the very first one.
    await s.page.getByTestId('unread-separator').waitFor();
    await expect.poll(() => shownInPane(s.page, 31)).toBe(true);
    expect(await shownInPane(s.page, 1)).toBe(false);
    await screenshot(s.page, 'chat-view-opened-at-unread');
    await s.page.getByTestId('messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
    // Everything was on screen: nothing is unread any more, in the list or the menu.
    await expect.poll(() => s.page.getByTestId('nav-unread').count()).toBe(0);

    // Opened again with nothing unread: at the bottom.
    await s.page.reload();
    await s.page.getByTestId('message').first().waitFor();
    await expect.poll(() => shownInPane(s.page, 40)).toBe(true);
    expect(await s.page.getByTestId('unread-separator').count()).toBe(0);

    // A message arriving while at the bottom is shown; so is one's own, with a photo.
    await sendAs(teacher.token, chatId, ['Новое, пока вы внизу']);
    await expect.poll(() => shownInPane(s.page, 41)).toBe(true);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await s.page.getByTestId('attach-input').setInputFiles([{ name: 'фото.png', mimeType: 'image/png', buffer: png }]);
    // A compact chip with a preview of the photo, before sending.
    const chip = s.page.getByTestId('pending-file');
    await chip.locator('img').waitFor();
    await expect.poll(() => chip.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect((await chip.boundingBox())!.height).toBeLessThan(44);
    await screenshot(s.page, 'chat-view-photo-chip');
    await write(s.page, 'Моё решение');
    await s.page.locator('[data-testid="message"][data-seq="42"] [data-testid="attachment-image"] img').waitFor();
    await expect.poll(() => shownInPane(s.page, 42)).toBe(true);

    // Scrolled up, a new message does not pull the view down: a button counts it.
    await s.page.getByTestId('messages').evaluate((el) => (el.scrollTop = 0));
    await sendAs(teacher.token, chatId, ['Пока вы читали выше']);
    await expect.poll(() => s.page.getByTestId('new-below').innerText()).toMatch(/Новые сообщения \(1\)/);
    expect(await shownInPane(s.page, 43)).toBe(false);
    await s.page.getByTestId('new-below').click();
    await expect.poll(() => shownInPane(s.page, 43)).toBe(true);

    // A phone: one pane, the composer on screen, the menu's chats item in view.
    await s.page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => (await s.page.getByTestId('composer').boundingBox())!.y + 44 <= 844).toBe(true);
    expect(await s.page.getByTestId('chat-list').isVisible()).toBe(false);
    expect(await s.page.getByRole('button', { name: 'К чатам' }).isVisible()).toBe(true);
    await expect.poll(() => shownInPane(s.page, 43)).toBe(true);
    await screenshot(s.page, 'chat-view-phone');
    const chatsLink = await s.page.getByRole('navigation').getByRole('link', { name: /Чаты/ }).boundingBox();
    expect(chatsLink!.x + chatsLink!.width).toBeLessThanOrEqual(391);

    // The network goes: shown at once (not after the socket's ping timeout), a message waits for it.
    await s.context.setOffline(true);
    await s.page.getByTestId('connection').filter({ hasText: 'Нет связи' }).waitFor({ timeout: 3_000 });
    await write(s.page, 'Без сети');
    await s.page.getByTestId('pending').filter({ hasText: 'ждёт сети' }).waitFor({ timeout: 3_000 });
    await screenshot(s.page, 'chat-view-phone-offline');
    await s.context.setOffline(false);
    await s.page.getByTestId('message').filter({ hasText: 'Без сети' }).waitFor({ timeout: 5_000 });
    await expect.poll(() => shownInPane(s.page, 44)).toBe(true);

    // Choosing someone in the contact picker opens the chat and closes the picker.
    await s.page.setViewportSize({ width: 1280, height: 800 });
    await s.page.getByRole('button', { name: 'Написать…' }).click();
    await s.page.getByLabel('Кому написать').getByRole('button', { name: /Нина Белова/ }).click();
    await s.page.getByTestId('conversation').and(s.page.locator('[data-chat]:not([data-chat="' + chatId + '"])')).waitFor();
    expect(await s.page.getByLabel('Кому написать').count()).toBe(0);
    await screenshot(s.page, 'chat-view-direct-desktop');
    await s.context.close();
  });
});
