/**
 * One server node for the fan-out benchmarks, driven over IPC by the orchestrator:
 * `emit` sends a burst of timestamped events through the real broadcaster; `memory` reports heap/RSS.
 */
import { loadEnv } from '../../../server/src/config/env.js';
import { createInfra } from '../../../server/src/infra/container.js';
import { createLogger } from '../../../server/src/infra/logger.js';
import { startServer } from '../../../server/src/server.js';
import { rooms } from '@tp/shared';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sendRound, type Sender } from './rounds.js';

type Command = { type: 'emit'; groups: string[]; adminEvents: number; spreadMs?: number } | { type: 'memory' } | { type: 'stats' } | { type: 'hashThreads' } | { type: 'loop' } | { type: 'stop' };

const env = loadEnv({ ...process.env, LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
const infra = await createInfra(env, { logger: createLogger('silent'), name: `bench-node-${env.PORT}` });
const server = await startServer(infra, env.PORT);

const send = (message: unknown) => process.send?.(message);
// How late the event loop ran its callbacks, between two `loop` commands (ms).
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
// Stalls of the event loop over 30 ms, with when they ended (Date.now()), for BENCH_DEBUG.
let stalls: Array<{ at: number; ms: number }> = [];
let tick = performance.now();
if (process.env.BENCH_DEBUG) setInterval(() => {
  const now = performance.now();
  if (now - tick > 40) stalls.push({ at: Date.now(), ms: now - tick - 10 });
  tick = now;
}, 10).unref();

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, sockets: server.io.engine.clientsCount };
}

process.on('message', async (command: Command) => {
  if (command.type === 'emit') {
    const senders: Sender[] = [];
    for (let i = 0; i < command.adminEvents; i++) {
      senders.push((at) => infra.broadcaster.emit(rooms.adminPool, 'pool:snapshot', { accounts: [], stats: { total: 0, active: 0, available: 0, inUse: 0 }, at }));
    }
    for (const groupId of command.groups) {
      senders.push((at) => infra.broadcaster.emit(rooms.group(groupId), 'lesson:ended', { lessonId: groupId, groupId, teacherId: groupId, endedAt: at }));
    }
    // How long this node spent handing the frames to its sockets (or to Redis), apart from the clients.
    send({ type: 'emitted', sendMs: await sendRound(senders, command.spreadMs) });
  } else if (command.type === 'loop') {
    send({ type: 'loop', p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6, stalls });
    loopDelay.reset();
    stalls = [];
  } else if (command.type === 'hashThreads') {
    send({ type: 'hashThreads', ...(await infra.passwords.threadState()) });
  } else if (command.type === 'memory') {
    send({ type: 'memory', ...memory() });
  } else if (command.type === 'stats') {
    const adapterRooms = server.io.of('/').adapter.rooms;
    let listeners = 0;
    for (const socket of server.io.of('/').sockets.values()) listeners += socket.eventNames().length;
    send({ type: 'stats', rooms: adapterRooms.size, sockets: server.io.of('/').sockets.size, listeners });
  } else if (command.type === 'stop') {
    await server.close();
    await infra.close();
    process.exit(0);
  }
});

send({ type: 'ready', url: server.url, ...memory() });
