import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import * as shared from '@tp/shared';
import { createTestApp, nextEvent } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';

/*
 * The socket side of the route fuzz: every event the server listens to on a connected socket (read
 * from the server's own socket, so a new event is covered without touching this file) gets
 * malformed payloads. None may answer `internal/error`, leave the caller without an answer, or
 * take the connection or the process down.
 */

const app = await createTestApp();
const [admin, teacher, student] = await Promise.all([buildAdmin(app), buildTeacher(app), buildStudent(app)]);
await buildGroup(app, { teacher, students: [student] });

const PAYLOAD_KEYS = [
  ...new Set(
    Object.entries(shared)
      .filter(([name]) => /Payload$/.test(name))
      .flatMap(([, value]) => Object.keys((value as { _zod?: { def?: { shape?: object } } })?._zod?.def?.shape ?? {})),
  ),
];
const BAD_VALUES: unknown[] = ['a\u0000b', 'x\ud800y', 'x'.repeat(50_000), '0000-01-01', 'rule:ffffffffffffffffffffffffffffffffffff:2027-01-01', 9007199254740991, -1, null, [], {}];
const BAD_PAYLOADS: unknown[] = [undefined, null, 42, 'text', true, [], {}, { __proto__: { admin: true } }, 'x'.repeat(50_000)];

async function connected(user: BuiltUser): Promise<Socket> {
  const socket = app.socket(user.token);
  await nextEvent(socket, 'session:ready');
  return socket;
}

/** The events the server registered on this client's socket, built-ins aside. */
function serverEvents(client: Socket): string[] {
  const server = app.io.sockets.sockets.get(client.id!);
  if (!server) throw new Error('no server-side socket');
  return server.eventNames().filter((name): name is string => typeof name === 'string' && !['disconnect', 'disconnecting', 'error'].includes(name));
}

type Ack = { ok: boolean; error?: { code: string } } | undefined;

describe('every socket event, malformed payloads → an error answer, never a crash', () => {
  it.each([
    ['admin', admin],
    ['teacher', teacher],
    ['student', student],
  ] as const)('as %s', async (_role, user) => {
    const socket = await connected(user);
    const events = serverEvents(socket);
    expect(events).toEqual(expect.arrayContaining(['session:refresh', 'pool:sync']));
    const problems: string[] = [];
    const payloads = [...BAD_PAYLOADS, ...PAYLOAD_KEYS.flatMap((key) => BAD_VALUES.map((value) => ({ [key]: value })))];
    for (const event of events) {
      // Without an ack function first: a handler must not throw when the client asks for no answer.
      for (const payload of BAD_PAYLOADS) socket.emit(event as never, payload as never);
      for (const payload of payloads) {
        try {
          const ack = (await socket.timeout(3_000).emitWithAck(event as never, payload as never)) as Ack;
          if (ack?.error?.code === 'internal/error') problems.push(`${event} ${JSON.stringify(payload)?.slice(0, 80)}: internal/error`);
        } catch {
          problems.push(`${event} ${JSON.stringify(payload)?.slice(0, 80)}: no answer`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(socket.connected).toBe(true);
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBeLessThan(500);
  });
});
