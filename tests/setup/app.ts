import { afterAll } from 'vitest';
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@tp/shared';
import { loadEnv, type Env } from '../../server/src/config/env.js';
import { createInfra, type Infra } from '../../server/src/infra/container.js';
import { ManualClock, type Clock } from '../../server/src/infra/clock.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestDatabase } from './test-db.js';
import { TEST_REDIS_URL } from './db-urls.js';

export const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
  CREDENTIALS_KEY: '0'.repeat(63) + '1',
};

export interface TestAppOptions {
  clock?: Clock;
  /** Use the real Redis (adapter, Redlock, shared rate limits). Default: single-node mode. */
  redis?: boolean;
  env?: Record<string, string>;
  /** Share another app's database (a second node). */
  databaseUrl?: string;
}

export interface TestApp extends RunningServer {
  infra: Infra;
  clock: Clock;
  databaseUrl: string;
  socket(accessToken: string): Socket<ServerToClientEvents, ClientToServerEvents>;
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  // Test files run side by side, each with a few app instances: small pools keep the whole run well
  // under PostgreSQL's default of 100 connections.
  return loadEnv({ ...TEST_SECRETS, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', NODE_ENV: 'test', SEED_DEMO: 'false', DATABASE_POOL_MAX: '8', ...overrides });
}

/**
 * A real server on a random port over this file's own database; closed after the file's tests.
 * Time is a ManualClock unless given.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const env = testEnv({
    DATABASE_URL: databaseUrl,
    ...(options.redis ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...options.env,
  });
  const clock = options.clock ?? new ManualClock();
  const infra = await createInfra(env, { clock, logger: createLogger(env.LOG_LEVEL) });
  const server = await startServer(infra, 0);
  const sockets: Socket[] = [];
  const app: TestApp = {
    ...server,
    infra,
    clock,
    databaseUrl,
    socket(accessToken) {
      const socket = connectSocket(server.url, { auth: { token: accessToken }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      return socket;
    },
    async close() {
      sockets.forEach((s) => s.disconnect());
      await server.close();
      await infra.close();
      await database?.drop();
    },
  };
  afterAll(() => app.close());
  return app;
}

/** Resolves with the next `event` the socket receives (or rejects after `ms`). */
export function nextEvent<T = unknown>(socket: Socket, event: string, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Resolves with the first `event` whose payload satisfies `matches` (earlier ones are skipped). */
export function nextEventMatching<T>(socket: Socket, event: string, matches: (payload: T) => boolean, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (payload: T) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(event, onEvent);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no matching ${event} within ${ms} ms`));
    }, ms);
    socket.on(event, onEvent);
  });
}
