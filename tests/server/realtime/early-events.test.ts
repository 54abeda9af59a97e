import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { GradebookDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildAdmin } from '../../factories/users.js';

/*
 * A client may send an event the moment it connects, before the server has joined the socket to its
 * rooms and said `session:ready`: the event waits for the handlers instead of being dropped.
 */
describe('events sent straight after connecting', () => {
  let app: TestApp;
  let built: BuiltGroup;

  beforeAll(async () => {
    app = await createTestApp();
    built = await buildGroup(app, { studentCount: 2 });
  });

  it('a gradebook:watch that reaches the server while it is still reading the socket’s rooms gets its snapshot', async () => {
    // hold the student's room lookup (their groups) until the early event has surely arrived
    const lock = new pg.Client({ connectionString: app.databaseUrl });
    await lock.connect();
    await lock.query('begin');
    await lock.query('lock table group_members in access exclusive mode');
    const arrived = new Promise<void>((resolve) => {
      app.io.once('connection', (serverSide) => serverSide.onAny((event: string) => event === 'gradebook:watch' && resolve()));
    });
    const socket = app.socket(built.students[0]!.token);
    // buffered by the client and sent right after the handshake, ahead of session:ready
    const answer = socket.timeout(10_000).emitWithAck('gradebook:watch', { groupId: built.group.id });
    await arrived;
    await lock.query('commit');
    await lock.end();
    const result = await answer;
    expect(result.ok).toBe(true);
    expect((result as { data: GradebookDto }).data.rows.map((r) => r.student.id)).toEqual([built.students[0]!.user.id]);
  });

  it('watches emitted on connect by several students and the teacher are all answered', async () => {
    const tokens = [built.teacher.token, built.students[0]!.token, built.students[1]!.token];
    const answers = await Promise.all(tokens.map((token) => app.socket(token).timeout(5_000).emitWithAck('gradebook:watch', { groupId: built.group.id })));
    expect(answers.map((a) => (a.ok ? (a as { data: GradebookDto }).data.rows.length : -1))).toEqual([2, 1, 1]);
  });

  it('session:ready still comes before the answer to an early event', async () => {
    const socket = app.socket(built.students[1]!.token);
    const order: string[] = [];
    socket.on('session:ready', () => order.push('ready'));
    await socket.timeout(5_000).emitWithAck('gradebook:watch', { groupId: built.group.id });
    order.push('ack');
    expect(order).toEqual(['ready', 'ack']);
  });

  it('an admin’s pool:sync emitted on connect is answered too', async () => {
    const admin = await buildAdmin(app);
    const answer = await app.socket(admin.token).timeout(5_000).emitWithAck('pool:sync', {});
    expect(answer.ok).toBe(true);
  });
});
