import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ChatHistoryDto, ChatMessagePayload, ChatReadPayload } from '@tp/shared';
import { createTestApp, nextEventMatching, type TestApp } from '../../setup/app.js';
import { systemClock } from '../../../server/src/infra/clock.js';
import { buildGroup } from '../../factories/groups.js';
import type { BuiltUser } from '../../factories/users.js';
import { ConversationLog, type SendResult } from '../../../client/src/lib/features/chat/conversation-log.js';
import { chatsOf, connected, emitAck, groupChat, send, wholeHistory, type ClientSocket } from './helpers.js';

/** A seeded generator, so a failing run can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A browser tab as the chat page runs it: the page's conversation log over a socket that drops and comes back. */
class Participant {
  socket: ClientSocket | null = null;
  readonly log: ConversationLog;
  node: TestApp;
  reconnects = 0;

  constructor(
    private readonly nodes: TestApp[],
    readonly who: BuiltUser,
    chatId: string,
  ) {
    this.node = nodes[0]!;
    this.log = new ConversationLog(chatId, {
      isConnected: () => this.socket?.connected ?? false,
      send: (payload) => {
        const socket = this.socket;
        if (!socket?.connected) return Promise.reject(new Error('offline'));
        return emitAck(socket, 'chat:send', payload, 1_500) as Promise<SendResult>;
      },
      history: async (id, page) => {
        const res = await request(this.node.url).get(`/api/chats/${id}/messages`).query(page).set('Authorization', `Bearer ${who.token}`);
        if (res.status !== 200) throw new Error(`history ${res.status}`);
        return res.body as ChatHistoryDto;
      },
    }, { id: who.user.id, name: `${who.user.firstName} ${who.user.lastName}`, role: who.user.role });
  }

  async connect(node: TestApp): Promise<void> {
    this.node = node;
    const socket = await connected(node, this.who.token);
    socket.on('chat:message', (payload) => this.log.receive(payload.message));
    this.socket = socket;
    await this.log.reconnected();
  }

  /** Drops the connection now and comes back on the other node a moment later. */
  async drop(pauseMs: number): Promise<void> {
    this.socket?.disconnect();
    this.socket = null;
    await sleep(pauseMs);
    this.reconnects += 1;
    await this.connect(this.nodes[this.reconnects % this.nodes.length]!);
  }
}

describe('delivery across two nodes', () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  beforeAll(async () => {
    nodeA = await createTestApp({ redis: true, clock: systemClock, env: { CHAT_SEND_BURST: '0' } });
    nodeB = await createTestApp({ redis: true, clock: systemClock, databaseUrl: nodeA.databaseUrl, env: { CHAT_SEND_BURST: '0' } });
  });
  afterAll(() => undefined);

  it('a student on node A and the teacher on node B get each other’s messages', async () => {
    const { group, teacher, students } = await buildGroup(nodeA, { studentCount: 1 });
    const chat = await groupChat(nodeA, teacher.token, group.id);
    const onA = await connected(nodeA, students[0]!.token);
    const onB = await connected(nodeB, teacher.token);
    const atB = nextEventMatching<ChatMessagePayload>(onB, 'chat:message', (p) => p.message.text === 'from A');
    expect(await send(onA, chat.id, 'from A')).toMatchObject({ ok: true, data: { seq: 1 } });
    expect((await atB).message.seq).toBe(1);
    const atA = nextEventMatching<ChatMessagePayload>(onA, 'chat:message', (p) => p.message.text === 'from B');
    expect(await send(onB, chat.id, 'from B')).toMatchObject({ ok: true, data: { seq: 2 } });
    expect((await atA).message.sender.id).toBe(teacher.user.id);
  });

  it('500 messages while the clients drop 20 times at random: each ends with exactly the server’s messages, in order, none doubled', async () => {
    const rand = random(20261202);
    const { group, teacher, students } = await buildGroup(nodeA, { studentCount: 1 });
    const chat = await groupChat(nodeA, teacher.token, group.id);
    const people = [new Participant([nodeA, nodeB], students[0]!, chat.id), new Participant([nodeB, nodeA], teacher, chat.id)];
    await Promise.all(people.map((p) => p.connect(p.node)));
    await Promise.all(people.map((p) => p.log.load()));

    const perPerson = 250;
    const writing = people.map(async (person, index) => {
      for (let i = 0; i < perPerson; i++) {
        person.log.write(`p${index}-${i}`);
        await sleep(2 + Math.floor(rand() * 10));
      }
    });
    let drops = 0;
    const dropping = (async () => {
      while (drops < 20) {
        await sleep(40 + Math.floor(rand() * 80));
        const person = people[Math.floor(rand() * people.length)]!;
        drops += 1;
        await person.drop(20 + Math.floor(rand() * 120));
      }
    })();
    await Promise.all([...writing, dropping]);
    // Let every queue drain, then a last catch-up (as a reconnect would do).
    for (let i = 0; i < 200 && people.some((p) => p.log.pending.length); i++) {
      await Promise.all(people.map((p) => p.log.flush()));
      await sleep(50);
    }
    await Promise.all(people.map((p) => p.log.catchUp()));

    expect(drops).toBe(20);
    const server = await wholeHistory(nodeA, teacher.token, chat.id);
    expect(server).toHaveLength(2 * perPerson);
    expect(server.map((m) => m.seq)).toEqual(Array.from({ length: 2 * perPerson }, (_, i) => i + 1));
    // Each person's messages are stored once, in the order they were written.
    for (const index of [0, 1]) {
      expect(server.filter((m) => m.text.startsWith(`p${index}-`)).map((m) => m.text)).toEqual(Array.from({ length: perPerson }, (_, i) => `p${index}-${i}`));
    }
    for (const person of people) {
      expect(person.log.pending).toEqual([]);
      expect(person.log.messages.map((m) => [m.seq, m.id, m.text])).toEqual(server.map((m) => [m.seq, m.id, m.text]));
    }
  }, 120_000);

  it('unread counts always equal a recount from the messages after a random run of sends, reads and deletes', async () => {
    const rand = random(7);
    const { group, teacher, students } = await buildGroup(nodeA, { studentCount: 2 });
    const everyone = [teacher, ...students];
    const chat = await groupChat(nodeA, teacher.token, group.id);
    const sockets = await Promise.all(everyone.map((u, i) => connected(i % 2 ? nodeB : nodeA, u.token)));
    // What each person's tab learns from events alone: messages and its own read position.
    const seen = everyone.map(() => new Map<number, { senderId: string; deleted: boolean }>());
    const readAt = everyone.map(() => 0);
    sockets.forEach((socket, i) => {
      socket.on('chat:message', ({ message }) => {
        seen[i]!.set(message.seq, { senderId: message.sender.id, deleted: message.deleted });
        // Sending reads the chat up to one's own message.
        if (message.sender.id === everyone[i]!.user.id && !message.editedAt && !message.deleted) readAt[i] = Math.max(readAt[i]!, message.seq);
      });
      socket.on('chat:read', (p: ChatReadPayload) => {
        if (p.userId === everyone[i]!.user.id) readAt[i] = Math.max(readAt[i]!, p.seq);
      });
    });
    const sent: Array<{ id: string; seq: number; by: number }> = [];
    for (let step = 0; step < 150; step++) {
      const who = Math.floor(rand() * everyone.length);
      const action = rand();
      if (action < 0.6 || !sent.length) {
        const ack = await send(sockets[who]!, chat.id, `step ${step}`);
        if (ack.ok) sent.push({ id: ack.data.id, seq: ack.data.seq, by: who });
      } else if (action < 0.85) {
        const upTo = Math.floor(rand() * (sent.length + 2));
        await emitAck(sockets[who]!, 'chat:read', { chatId: chat.id, seq: upTo });
      } else {
        const own = sent.filter((m) => m.by === who || who === 0);
        const target = own[Math.floor(rand() * own.length)];
        if (target) await emitAck(sockets[who]!, 'chat:delete', { chatId: chat.id, messageId: target.id });
      }
    }
    await sleep(300);
    for (const [i, user] of everyone.entries()) {
      const listed = (await chatsOf(nodeB, user.token)).find((c) => c.id === chat.id)!;
      const [recount] = await nodeA.infra.orm.em.fork().getConnection().execute(
        `select count(*)::int as n from chat_messages m where m.chat_id = ? and m.sender_id <> ? and m.deleted_at is null
           and m.seq > coalesce((select last_read_seq from chat_reads where chat_id = ? and user_id = ?), 0)`,
        [chat.id, user.user.id, chat.id, user.user.id],
      );
      const fromEvents = [...seen[i]!.entries()].filter(([seq, m]) => seq > readAt[i]! && m.senderId !== user.user.id && !m.deleted).length;
      expect({ listed: listed.unread, fromEvents }).toEqual({ listed: recount.n, fromEvents: recount.n });
      expect(listed.lastReadSeq).toBe(Math.max(readAt[i]!, listed.lastReadSeq));
    }
  }, 60_000);
});
