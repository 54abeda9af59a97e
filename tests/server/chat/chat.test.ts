import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ChatMessagePayload } from '@tp/shared';
import { createTestApp, nextEvent, nextEventMatching, type TestApp } from '../../setup/app.js';
import { buildGroup } from '../../factories/groups.js';
import { buildAdmin, buildStudent, buildTeacher } from '../../factories/users.js';
import { chatsOf, clientId, connected, emitAck, groupChat, send, wholeHistory } from './helpers.js';

describe('chats and messages on one node', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { CHAT_SEND_BURST: '0' } });
  });
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('a student’s message reaches the teacher and the other student with its seq; the ack names it', async () => {
    const { group, teacher, students } = await buildGroup(app, { studentCount: 2 });
    const chat = await groupChat(app, teacher.token, group.id);
    expect(chat).toMatchObject({ kind: 'group', title: group.name, unread: 0, canSend: true, canModerate: true });
    const [alice, bob, teach] = await Promise.all([connected(app, students[0]!.token), connected(app, students[1]!.token), connected(app, teacher.token)]);
    const [atBob, atTeacher] = [nextEvent<ChatMessagePayload>(bob, 'chat:message'), nextEvent<ChatMessagePayload>(teach, 'chat:message')];
    const ack = await send(alice, chat.id, 'Hello **class**');
    expect(ack).toMatchObject({ ok: true, data: { seq: 1 } });
    const [b, t] = await Promise.all([atBob, atTeacher]);
    expect(b.message).toMatchObject({ seq: 1, text: 'Hello **class**', sender: { id: students[0]!.user.id }, deleted: false });
    expect(t.message.id).toBe(ack.ok && ack.data.id);
    expect((await send(bob, chat.id, 'Hi')).ok && true).toBe(true);
    const list = await chatsOf(app, teacher.token);
    expect(list.find((c) => c.id === chat.id)).toMatchObject({ unread: 2, lastMessage: { text: 'Hi', seq: 2 } });
  });

  it('a retry with the same client id answers with the first message and stores nothing new', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const socket = await connected(app, students[0]!.token);
    const payload = { chatId: chat.id, clientId: clientId(), text: 'only once' };
    const acks = await Promise.all([emitAck(socket, 'chat:send', payload), emitAck(socket, 'chat:send', payload), emitAck(socket, 'chat:send', payload)]);
    const seen = new Set(acks.map((a) => (a.ok ? JSON.stringify(a.data) : a.error.code)));
    expect([...seen], JSON.stringify(acks)).toHaveLength(1);
    expect(acks[0]!.ok).toBe(true);
    const again = await emitAck(socket, 'chat:send', payload);
    expect(again).toEqual(acks[0]);
    expect((await wholeHistory(app, students[0]!.token, chat.id)).map((m) => m.text)).toEqual(['only once']);
  });

  it('malformed payloads get an error ack and the node keeps serving', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const socket = await connected(app, students[0]!.token);
    const bad: unknown[] = [
      null,
      42,
      'text',
      [],
      {},
      { chatId: 'not-a-uuid', clientId: 'a', text: 'x' },
      { chatId: chat.id, clientId: 'a', text: '' },
      { chatId: chat.id, clientId: 'a b', text: 'x' },
      { chatId: chat.id, clientId: 'a', text: 'x'.repeat(4001) },
      { chatId: chat.id, clientId: 'a', text: 'nul\u0000' },
      { chatId: chat.id, clientId: 'a', text: 'lone \uD800' },
      { chatId: chat.id, clientId: 'a', text: 'x', extra: true },
      { chatId: chat.id, clientId: 'a', text: { $gt: '' } },
      { chatId: chat.id, clientId: 'a', text: 'x', replyTo: 'nope' },
    ];
    for (const payload of bad) {
      const ack = await emitAck(socket, 'chat:send', payload);
      expect(ack.ok, JSON.stringify(payload)).toBe(false);
      if (!ack.ok) expect(ack.error.code).toBe('request/invalid');
    }
    for (const event of ['chat:read', 'chat:edit', 'chat:delete', 'chat:typing']) {
      const ack = await emitAck(socket, event, { chatId: 12 });
      expect(ack).toMatchObject({ ok: false, error: { code: 'request/invalid' } });
    }
    (socket as unknown as { emit: (event: string, payload: unknown) => void }).emit('chat:send', { chatId: chat.id }); // no ack function at all
    expect(await send(socket, chat.id, 'x'.repeat(4000))).toMatchObject({ ok: true });
    expect((await request(app.url).get('/api/health')).status).toBeLessThan(600);
  });

  it('a removed student loses the chat at once: no history, no sending, no more deliveries', async () => {
    const { group, teacher, students } = await buildGroup(app, { studentCount: 2 });
    const chat = await groupChat(app, teacher.token, group.id);
    const [leaving, staying, teach] = await Promise.all([connected(app, students[0]!.token), connected(app, students[1]!.token), connected(app, teacher.token)]);
    expect(await send(leaving, chat.id, 'before')).toMatchObject({ ok: true });
    await app.ctx.services.groups.removeStudent({ userId: teacher.user.id, role: 'teacher' }, group.id, students[0]!.user.id);
    expect(await send(leaving, chat.id, 'after')).toMatchObject({ ok: false, error: { code: 'chat/not-found' } });
    expect((await request(app.url).get(`/api/chats/${chat.id}/messages`).set(auth(students[0]!.token))).status).toBe(404);
    expect((await chatsOf(app, students[0]!.token)).some((c) => c.id === chat.id)).toBe(false);
    const leaked: string[] = [];
    leaving.on('chat:message', (p) => leaked.push(p.message.text));
    const atTeacher = nextEventMatching<ChatMessagePayload>(teach, 'chat:message', (p) => p.message.text === 'still here');
    expect(await send(staying, chat.id, 'still here')).toMatchObject({ ok: true });
    await atTeacher;
    expect(leaked).toEqual([]);
  });

  it('1:1 chats: teacher and their student, classmates unless the teacher turns it off, admin with anyone', async () => {
    const { group, teacher, students } = await buildGroup(app, { studentCount: 2 });
    const stranger = await buildTeacher(app);
    const outsider = await buildStudent(app);
    const admin = await buildAdmin(app);
    const open = (token: string, userId: string) => request(app.url).post('/api/chats/direct').set(auth(token)).send({ userId });
    const withTeacher = await open(students[0]!.token, teacher.user.id);
    expect(withTeacher.status).toBe(200);
    expect(withTeacher.body).toMatchObject({ kind: 'direct', peer: { id: teacher.user.id }, canSend: true });
    expect((await open(teacher.token, students[0]!.user.id)).body.id).toBe(withTeacher.body.id);
    expect((await open(students[0]!.token, students[1]!.user.id)).status).toBe(200);
    expect((await open(students[0]!.token, outsider.user.id)).status).toBe(403);
    expect((await open(stranger.token, students[0]!.user.id)).status).toBe(403);
    expect((await open(admin.token, outsider.user.id)).status).toBe(200);

    const classmates = (await open(students[0]!.token, students[1]!.user.id)).body.id as string;
    const off = await request(app.url).put(`/api/groups/${group.id}/chat-settings`).set(auth(teacher.token)).send({ studentsDirect: false });
    expect(off.body).toEqual({ studentsDirect: false });
    expect((await request(app.url).put(`/api/groups/${group.id}/chat-settings`).set(auth(stranger.token)).send({ studentsDirect: true })).status).toBe(404);
    expect((await open(students[0]!.token, students[1]!.user.id)).status).toBe(403);
    const socket = await connected(app, students[0]!.token);
    expect(await send(socket, classmates, 'psst')).toMatchObject({ ok: false, error: { code: 'chat/read-only' } });
    expect(await send(socket, withTeacher.body.id, 'question')).toMatchObject({ ok: true });
    // Nobody else reads a 1:1 chat.
    expect((await request(app.url).get(`/api/chats/${withTeacher.body.id}/messages`).set(auth(students[1]!.token))).status).toBe(404);
  });

  it('edit and delete one’s own; the teacher deletes anyone’s in the group chat; replies quote the original', async () => {
    const { group, teacher, students } = await buildGroup(app, { studentCount: 2 });
    const chat = await groupChat(app, teacher.token, group.id);
    const [alice, bob, teach] = await Promise.all([connected(app, students[0]!.token), connected(app, students[1]!.token), connected(app, teacher.token)]);
    const first = await send(alice, chat.id, 'typo heer');
    if (!first.ok) throw new Error('send failed');
    const reply = await send(bob, chat.id, 'what?', { replyTo: first.data.id });
    expect(reply.ok).toBe(true);
    const edited = nextEventMatching<ChatMessagePayload>(teach, 'chat:message', (p) => p.message.editedAt !== null);
    expect(await emitAck(alice, 'chat:edit', { chatId: chat.id, messageId: first.data.id, text: 'typo here' })).toMatchObject({ ok: true, data: { text: 'typo here' } });
    expect((await edited).message.seq).toBe(first.data.seq);
    expect(await emitAck(bob, 'chat:edit', { chatId: chat.id, messageId: first.data.id, text: 'hacked' })).toMatchObject({ ok: false, error: { code: 'message/not-found' } });
    expect(await emitAck(bob, 'chat:delete', { chatId: chat.id, messageId: first.data.id })).toMatchObject({ ok: false, error: { code: 'message/not-found' } });
    const history = await wholeHistory(app, teacher.token, chat.id);
    expect(history[1]!.replyTo).toMatchObject({ id: first.data.id, text: 'typo here' });
    expect(await emitAck(teach, 'chat:delete', { chatId: chat.id, messageId: first.data.id })).toMatchObject({ ok: true, data: { deleted: true, text: '' } });
    const after = await wholeHistory(app, students[1]!.token, chat.id);
    expect(after.map((m) => [m.text, m.deleted])).toEqual([['', true], ['what?', false]]);
    expect(after[1]!.replyTo).toMatchObject({ deleted: true, text: '' });
  });

  it('history pages back by seq and catches up after a seq', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const socket = await connected(app, students[0]!.token);
    for (let i = 1; i <= 25; i++) await send(socket, chat.id, `m${i}`);
    const get = (query: Record<string, unknown>) => request(app.url).get(`/api/chats/${chat.id}/messages`).query(query).set(auth(students[0]!.token));
    const newest = (await get({ limit: 10 })).body;
    expect(newest.items.map((m: { seq: number }) => m.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(newest.hasMore).toBe(true);
    expect((await get({ limit: 10, before: 16 })).body.items[0].seq).toBe(6);
    expect((await get({ after: 22 })).body.items.map((m: { text: string }) => m.text)).toEqual(['m23', 'm24', 'm25']);
    expect((await get({ after: 1, before: 5 })).status).toBe(400);
    expect((await get({ limit: 'many' })).status).toBe(400);
  });

  it('search finds Russian and English words by their stems, only in the user’s chats', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const other = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const otherChat = await groupChat(app, other.students[0]!.token, other.group.id);
    const mine = await connected(app, students[0]!.token);
    const theirs = await connected(app, other.students[0]!.token);
    await send(mine, chat.id, 'Завтра контрольная по математике');
    await send(mine, chat.id, 'The homework assignments are due Friday');
    await send(theirs, otherChat.id, 'Контрольную перенесли');
    const search = async (q: string) => (await request(app.url).get('/api/chats/search').query({ q }).set(auth(students[0]!.token))).body as Array<{ message: { text: string }; snippet: string }>;
    expect((await search('контрольной')).map((h) => h.message.text)).toEqual(['Завтра контрольная по математике']);
    expect((await search('assignment')).map((h) => h.message.text)).toEqual(['The homework assignments are due Friday']);
    expect(await search('nothing-like-this')).toEqual([]);
    expect((await request(app.url).get('/api/chats/search').query({ q: 'x', chatId: otherChat.id }).set(auth(students[0]!.token))).status).toBe(404);
  });
});

describe('sending rate', () => {
  it('allows a burst of 20 in 10 s per sender, then answers rate/limited', async () => {
    const app = await createTestApp();
    const { group, students } = await buildGroup(app, { studentCount: 2 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const [fast, other] = await Promise.all([connected(app, students[0]!.token), connected(app, students[1]!.token)]);
    const acks = await Promise.all(Array.from({ length: 22 }, (_, i) => send(fast, chat.id, `burst ${i}`)));
    expect(acks.filter((a) => a.ok)).toHaveLength(20);
    expect(acks.filter((a) => !a.ok).map((a) => !a.ok && a.error.code)).toEqual(['rate/limited', 'rate/limited']);
    expect(await send(other, chat.id, 'another sender is not limited')).toMatchObject({ ok: true });
  });
});
