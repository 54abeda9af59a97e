import type { Redis } from 'ioredis';
import type { Env } from '../config/env.js';
import { systemClock, type Clock } from './clock.js';
import { connectDb, migrate, type Orm } from './db.js';
import { createLogger, type Logger } from './logger.js';
import { createRedis } from './redis.js';
import { InProcessLock, RedisLock, type Lock } from './lock.js';
import { Broadcaster, MemorySequence, RedisSequence } from './broadcast.js';
import { failureCounterFactory, limiterFactory, type FailureCounterFactory, type LimiterFactory } from './rate-limit.js';
import { PasswordHasher, defaultHashConcurrency } from './password-hasher.js';
import { BoundedQueue } from './bounded-queue.js';
import { SecretBox } from './crypto.js';
import { resolveSecrets } from './secrets.js';
import { createMetrics, type Metrics } from './metrics.js';
import { AccessTokens } from '../modules/auth/access-token.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { fallbackReporter, probeLock } from './lock-health.js';

/** Sign-ins waiting beyond this (a minute or more of hashing) are refused with Retry-After. */
const SIGN_IN_MAX_WAITING = 2_000;

/** Everything a service may depend on, built once per process (or per test app). */
export interface Infra {
  env: Env;
  logger: Logger;
  clock: Clock;
  orm: Orm;
  /** Null in single-node mode. */
  redis: Redis | null;
  lock: Lock;
  broadcaster: Broadcaster;
  limiter: LimiterFactory;
  /** Counters of failures only (sign-in). */
  failureCounter: FailureCounterFactory;
  /** argon2id behind a queue bounded by the cores. */
  passwords: PasswordHasher;
  /**
   * Password sign-ins take turns here, before any of their work (failure counters, the account
   * lookup, the hash, the new session): one more at a time than there are hashing threads, so
   * hashing never idles, while a burst's other work is spread over the time the hashes take instead
   * of all landing on the event loop as the requests arrive.
   */
  signIns: BoundedQueue;
  secretBox: SecretBox;
  tokens: AccessTokens;
  metrics: Metrics;
  /** Registers something to shut down with the infrastructure (before the database and Redis). */
  onClose(close: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export interface InfraOptions {
  clock?: Clock;
  logger?: Logger;
  /** Apply pending migrations on connect (npm start does; tests migrate once in global setup). */
  migrate?: boolean;
  name?: string;
}

export async function createInfra(env: Env, options: InfraOptions = {}): Promise<Infra> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const closers: Array<() => Promise<unknown>> = [];

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres(env.DATA_DIR, env.EMBEDDED_PG_PORT, logger);
    databaseUrl = embedded.url;
    closers.push(embedded.stop);
  }
  const orm = await connectDb(databaseUrl, logger, { pool: { min: 0, max: env.DATABASE_POOL_MAX } });
  closers.unshift(() => orm.close(true));
  if (options.migrate) {
    const applied = await migrate(orm);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }

  const metrics = createMetrics();
  let redis: Redis | null = null;
  let lock: Lock;
  let broadcaster: Broadcaster;
  if (env.REDIS_URL) {
    redis = createRedis(env.REDIS_URL, options.name ?? 'teaching-panel');
    redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
    closers.unshift(() => redis!.quit().catch(() => redis!.disconnect()));
    lock = new RedisLock(redis, fallbackReporter(logger, metrics));
    await probeLock(lock, logger);
    broadcaster = new Broadcaster(null, new RedisSequence(redis));
  } else {
    lock = new InProcessLock();
    broadcaster = new Broadcaster(null, new MemorySequence());
  }

  const secrets = resolveSecrets(env, logger);
  const passwords = new PasswordHasher(env.PASSWORD_HASH_CONCURRENCY ?? defaultHashConcurrency(), {
    queueLength: (waiting) => metrics.passwordHashQueue.set(waiting),
    operation: (kind) => metrics.passwordHashes.inc({ operation: kind }),
    threadPriority: ({ niced, reason }) =>
      niced
        ? logger.info('password hashing runs on low-priority threads')
        : logger.warn({ reason }, 'password hashing threads run at normal priority (no per-thread priority here): a sign-in flood competes with the API for CPU'),
  });
  closers.unshift(() => passwords.close());
  const signIns = new BoundedQueue(passwords.concurrency + 1, {
    maxWaiting: SIGN_IN_MAX_WAITING,
    retryAfterSeconds: 5,
    busyMessage: 'Sign-in is busy; try again in a few seconds',
    onLength: (waiting) => metrics.signInQueue.set(waiting),
  });
  return {
    env,
    logger,
    clock,
    orm,
    redis,
    lock,
    broadcaster,
    limiter: limiterFactory(redis),
    failureCounter: failureCounterFactory(redis),
    passwords,
    signIns,
    secretBox: new SecretBox(secrets.credentialsKey),
    tokens: new AccessTokens(secrets.jwtSecret, clock),
    metrics,
    onClose(close) {
      closers.unshift(close);
    },
    async close() {
      for (const close of closers) await close().catch((error) => logger.warn({ err: String(error) }, 'close failed'));
    },
  };
}
