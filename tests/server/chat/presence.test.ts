import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ChatTypingPayload, PresenceChangedPayload } from '@tp/shared';
import { createTestApp, nextEventMatching, type TestApp } from '../../setup/app.js';
import { systemClock } from '../../../server/src/infra/clock.js';
import { buildGroup } from '../../factories/groups.js';
import { connected, groupChat } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const env = { PRESENCE_TTL_S: '3' };

describe('presence and typing across nodes', () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  beforeAll(async () => {
    nodeA = await createTestApp({ redis: true, clock: systemClock, env });
    nodeB = await createTestApp({ redis: true, clock: systemClock, databaseUrl: nodeA.databaseUrl, env });
  });

  it('a student coming online on node B shows for the teacher on node A; a reload does not flash offline; leaving does', async () => {
    const { teacher, students } = await buildGroup(nodeA, { studentCount: 1 });
    const student = students[0]!;
    const watcher = await connected(nodeA, teacher.token);
    const changes: PresenceChangedPayload[] = [];
    watcher.on('presence:changed', (p) => p.userId === student.user.id && changes.push(p));
    const tab = await connected(nodeB, student.token);
    await nextEventMatching<PresenceChangedPayload>(watcher, 'presence:changed', (p) => p.userId === student.user.id && p.online);
    const snapshot = await request(nodeA.url).get('/api/presence').set('Authorization', `Bearer ${teacher.token}`);
    expect(snapshot.body.online).toContain(student.user.id);

    tab.disconnect();
    await sleep(500);
    const reloaded = await connected(nodeA, student.token);
    await sleep(6_000);
    expect(changes.map((c) => c.online)).toEqual([true]);

    const offline = nextEventMatching<PresenceChangedPayload>(watcher, 'presence:changed', (p) => p.userId === student.user.id && !p.online, 10_000);
    reloaded.disconnect();
    await offline;
    expect(changes.map((c) => c.online)).toEqual([true, false]);
  }, 30_000);

  it('the users of a node that dies without a goodbye go offline within the expiry', async () => {
    const nodeC = await createTestApp({ redis: true, clock: systemClock, databaseUrl: nodeA.databaseUrl, env });
    const { teacher, students } = await buildGroup(nodeA, { studentCount: 1 });
    const watcher = await connected(nodeA, teacher.token);
    const online = nextEventMatching<PresenceChangedPayload>(watcher, 'presence:changed', (p) => p.userId === students[0]!.user.id && p.online);
    await connected(nodeC, students[0]!.token);
    await online;
    const offline = nextEventMatching<PresenceChangedPayload>(watcher, 'presence:changed', (p) => p.userId === students[0]!.user.id && !p.online, 10_000);
    const diedAt = Date.now();
    // Like a SIGKILL: no more heartbeats, no goodbye for its sockets.
    nodeC.ctx.services.presence.halt();
    await nodeC.close();
    await offline;
    expect(Date.now() - diedAt).toBeLessThan(3_000 + 1_500);
  }, 30_000);

  it('typing reaches the other members on the other node, not the typist, and only members may send it', async () => {
    const { group, teacher, students } = await buildGroup(nodeA, { studentCount: 1 });
    const outsider = await buildGroup(nodeA, { studentCount: 1 });
    const chat = await groupChat(nodeA, teacher.token, group.id);
    const typist = await connected(nodeA, students[0]!.token);
    const reader = await connected(nodeB, teacher.token);
    const stranger = await connected(nodeB, outsider.students[0]!.token);
    const seen = nextEventMatching<ChatTypingPayload>(reader, 'chat:typing', (p) => p.chatId === chat.id);
    const self: ChatTypingPayload[] = [];
    typist.on('chat:typing', (p) => self.push(p));
    typist.emit('chat:typing', { chatId: chat.id });
    expect(await seen).toMatchObject({ userId: students[0]!.user.id, name: `${students[0]!.user.firstName} ${students[0]!.user.lastName}` });
    const refused = await (stranger.timeout(3_000) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<unknown> }).emitWithAck('chat:typing', { chatId: chat.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'chat/not-found' } });
    expect(self).toEqual([]);
  });
});
