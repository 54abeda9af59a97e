import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessagePayload } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildGroup } from '../../factories/groups.js';
import { clientId, connected, emitAck, groupChat, send, wholeHistory } from './helpers.js';

/** Sends that arrive together are stored together; each keeps every guarantee a lone send has. */
describe('sends stored together', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { CHAT_SEND_BURST: '0' } });
  });

  it('a burst into two chats at once numbers each chat 1..n without a gap, each ack names its stored seq, replies keep their quote, each member gets each message once', async () => {
    const [one, two] = await Promise.all([buildGroup(app, { studentCount: 3 }), buildGroup(app, { studentCount: 2 })]);
    const [chatOne, chatTwo] = await Promise.all([groupChat(app, one.teacher.token, one.group.id), groupChat(app, two.teacher.token, two.group.id)]);
    const first = await connected(app, one.students[0]!.token);
    const quoted = await send(first, chatOne.id, 'the question');
    if (!quoted.ok) throw new Error('first send refused');
    const sockets = await Promise.all([...one.students, one.teacher, ...two.students].map((u) => connected(app, u.token)));
    const received = sockets.map(() => [] as number[]);
    sockets.forEach((socket, i) => socket.on('chat:message', (p: ChatMessagePayload) => received[i]!.push(p.message.seq)));
    const inOne = sockets.slice(0, 4);
    const inTwo = sockets.slice(4);
    const acks = await Promise.all([
      ...inOne.flatMap((s, i) => [send(s, chatOne.id, `one ${i} a`), send(s, chatOne.id, `one ${i} b`, { replyTo: quoted.data.id })]),
      ...inTwo.flatMap((s, i) => [send(s, chatTwo.id, `two ${i} a`), send(s, chatTwo.id, `two ${i} b`)]),
    ]);
    expect(acks.every((a) => a.ok), JSON.stringify(acks)).toBe(true);
    const historyOne = await wholeHistory(app, one.teacher.token, chatOne.id);
    const historyTwo = await wholeHistory(app, two.teacher.token, chatTwo.id);
    expect(historyOne.map((m) => m.seq)).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));
    expect(historyTwo.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    // What each ack named is what history holds at that seq.
    const bySeq = new Map([...historyOne, ...historyTwo].map((m) => [m.id, m.seq]));
    for (const ack of acks) if (ack.ok) expect(bySeq.get(ack.data.id)).toBe(ack.data.seq);
    for (const m of historyOne.filter((m) => m.text.endsWith(' b'))) expect(m.replyTo).toMatchObject({ id: quoted.data.id, text: 'the question' });
    await expect.poll(() => received.map((seqs) => seqs.length)).toEqual([8, 8, 8, 8, 4, 4]);
    for (const seqs of received) expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('an archived group’s chat refuses a send; nothing is numbered for it', async () => {
    const { group, teacher, students } = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, teacher.token, group.id);
    const socket = await connected(app, students[0]!.token);
    expect(await send(socket, chat.id, 'before')).toMatchObject({ ok: true, data: { seq: 1 } });
    await app.ctx.services.groups.update({ userId: teacher.user.id, role: 'teacher' }, group.id, { archived: true });
    expect(await send(socket, chat.id, 'after')).toMatchObject({ ok: false, error: { code: 'chat/read-only' } });
    expect((await wholeHistory(app, teacher.token, chat.id)).map((m) => m.text)).toEqual(['before']);
  });

  it('a client id used in another chat is refused, and the first chat keeps its one message', async () => {
    const { group, teacher, students } = await buildGroup(app, { studentCount: 1 });
    const other = await buildGroup(app, { students });
    const [chat, otherChat] = await Promise.all([groupChat(app, teacher.token, group.id), groupChat(app, other.teacher.token, other.group.id)]);
    const socket = await connected(app, students[0]!.token);
    const id = clientId();
    expect(await emitAck(socket, 'chat:send', { chatId: chat.id, clientId: id, text: 'here' })).toMatchObject({ ok: true });
    expect(await emitAck(socket, 'chat:send', { chatId: otherChat.id, clientId: id, text: 'there' })).toMatchObject({ ok: false, error: { code: 'request/invalid' } });
    expect((await wholeHistory(app, students[0]!.token, otherChat.id)).length).toBe(0);
  });
});

describe('sending past the rate limit', () => {
  it('a resend of a stored message is still answered with its ack; a new one is refused', async () => {
    const app = await createTestApp({ env: { CHAT_SEND_BURST: '2' } });
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const socket = await connected(app, students[0]!.token);
    const payload = { chatId: chat.id, clientId: clientId(), text: 'kept' };
    const first = await emitAck(socket, 'chat:send', payload);
    expect(first).toMatchObject({ ok: true });
    expect(await send(socket, chat.id, 'second')).toMatchObject({ ok: true });
    expect(await send(socket, chat.id, 'third')).toMatchObject({ ok: false, error: { code: 'rate/limited' } });
    expect(await emitAck(socket, 'chat:send', payload)).toEqual(first);
  });
});
