import Redlock, { type Lock as RedlockLock } from 'redlock';
import type { Redis } from 'ioredis';

/**
 * An efficiency lock: it keeps concurrent callers from piling onto the same rows.
 * Correctness never depends on it — PostgreSQL row locks and constraints do that.
 */
export interface Lock {
  /** Runs `fn` holding `key`; if the lock cannot be had, runs it anyway unless `required`. */
  withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<T>;
  /** Takes `key` only if it is free; returns whether `fn` ran. */
  tryOnce(key: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean>;
  readonly kind: 'redlock' | 'in-process';
}

export class InProcessLock implements Lock {
  readonly kind = 'in-process' as const;
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly held = new Set<string>();

  async withLock<T>(key: string, _ttlMs: number, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  async tryOnce(key: string, _ttlMs: number, fn: () => Promise<void>): Promise<boolean> {
    if (this.held.has(key)) return false;
    this.held.add(key);
    try {
      await fn();
      return true;
    } finally {
      this.held.delete(key);
    }
  }
}

export class RedisLock implements Lock {
  readonly kind = 'redlock' as const;
  private readonly redlock: Redlock;

  constructor(redis: Redis, private readonly onDegraded: (error: unknown) => void = () => {}) {
    this.redlock = new Redlock([redis], { retryCount: 40, retryDelay: 25, retryJitter: 25, driftFactor: 0.01 });
    // Errors are reported through the promise of acquire/release; keep the emitter quiet.
    this.redlock.on('error', () => {});
  }

  async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<T> {
    let lock: RedlockLock | undefined;
    try {
      lock = await this.redlock.acquire([`lock:${key}`], ttlMs);
    } catch (error) {
      // Redis is down or the lock is contended past the retry budget: the database still guards us.
      this.onDegraded(error);
    }
    try {
      return await fn();
    } finally {
      if (lock) await lock.release().catch(() => undefined);
    }
  }

  async tryOnce(key: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean> {
    let lock: RedlockLock;
    try {
      lock = await this.redlock.acquire([`lock:${key}`], ttlMs, { retryCount: 0 });
    } catch {
      return false;
    }
    try {
      await fn();
      return true;
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
}
