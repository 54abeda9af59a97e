import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { buildGroup } from '../factories/groups.js';
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
