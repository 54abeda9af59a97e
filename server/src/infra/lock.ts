import Redlock, { ExecutionError, ResourceLockedError, type Lock as RedlockLock } from 'redlock';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Why a caller ran without the Redis lock: Redis failed, or the key stayed taken past the retry budget. */
export type FallbackReason = 'unavailable' | 'contended';

export interface LockStatus {
  kind: 'redlock' | 'in-process';
  /** `degraded` while a fallback happened within the last minute. */
  state: 'ok' | 'degraded';
  acquired: number;
  fallbacks: { unavailable: number; contended: number };
  lastFallback: { at: string; reason: FallbackReason; error: string } | null;
}

/**
 * An efficiency lock: it keeps concurrent callers from piling onto the same rows.
 * Correctness never depends on it — PostgreSQL row locks and constraints do that.
 */
export interface Lock {
  /** Runs `fn` holding `key`; if the lock cannot be had, runs it anyway (and counts a fallback). */
  withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` only if `key` is free; returns whether `fn` ran. When the lock itself is unavailable
   * the work runs anyway (it must be safe without the lock), so a Redis outage never stops it.
   */
  tryOnce(key: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean>;
  /** Takes and releases a throw-away key; rejects when the lock cannot work. */
  probe(): Promise<void>;
  status(): LockStatus;
  readonly kind: 'redlock' | 'in-process';
}

export class InProcessLock implements Lock {
  readonly kind = 'in-process' as const;
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly held = new Set<string>();
  private acquired = 0;

  async withLock<T>(key: string, _ttlMs: number, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => {
      this.acquired++;
      return fn();
    });
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
    this.acquired++;
    try {
      await fn();
      return true;
    } finally {
      this.held.delete(key);
    }
  }

  async probe(): Promise<void> {}

  status(): LockStatus {
    return { kind: this.kind, state: 'ok', acquired: this.acquired, fallbacks: { unavailable: 0, contended: 0 }, lastFallback: null };
  }
}

export type FallbackListener = (reason: FallbackReason, error: unknown) => void;

/** True when every vote against the lock was "already held" — someone else has the key. */
async function heldElsewhere(error: unknown): Promise<boolean> {
  if (error instanceof ResourceLockedError) return true;
  if (!(error instanceof ExecutionError) || error.attempts.length === 0) return false;
  const stats = await Promise.all(error.attempts).catch(() => []);
  const votes = stats.flatMap((attempt) => [...attempt.votesAgainst.values()]);
  return votes.length > 0 && votes.every((vote) => vote instanceof ResourceLockedError);
}

const DEGRADED_WINDOW_MS = 60_000;

export class RedisLock implements Lock {
  readonly kind = 'redlock' as const;
  private readonly redlock: Redlock;
  private acquired = 0;
  private readonly fallbacks = { unavailable: 0, contended: 0 };
  private lastFallback: { atMs: number; reason: FallbackReason; error: string } | null = null;

  constructor(redis: Redis, private readonly onFallback: FallbackListener = () => {}) {
    this.redlock = new Redlock([redis], { retryCount: 40, retryDelay: 25, retryJitter: 25, driftFactor: 0.01 });
    // Errors are reported through the promise of acquire/release; keep the emitter quiet.
    this.redlock.on('error', () => {});
  }

  async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<T> {
    let lock: RedlockLock | undefined;
    try {
      lock = await this.redlock.acquire([`lock:${key}`], ttlMs);
      this.acquired++;
    } catch (error) {
      // Redis is down or the key stayed taken past the retry budget: the database still guards us.
      this.fellBack((await heldElsewhere(error)) ? 'contended' : 'unavailable', error);
    }
    try {
      return await fn();
    } finally {
      if (lock) await lock.release().catch(() => undefined);
    }
  }

  async tryOnce(key: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean> {
    let lock: RedlockLock | undefined;
    try {
      lock = await this.redlock.acquire([`lock:${key}`], ttlMs, { retryCount: 0 });
      this.acquired++;
    } catch (error) {
      if (await heldElsewhere(error)) return false;
      this.fellBack('unavailable', error);
    }
    try {
      await fn();
      return true;
    } finally {
      if (lock) await lock.release().catch(() => undefined);
    }
  }

  async probe(): Promise<void> {
    const lock = await this.redlock.acquire([`lock:probe:${randomUUID()}`], 5_000, { retryCount: 0 });
    await lock.release();
  }

  status(): LockStatus {
    const last = this.lastFallback;
    const recent = last !== null && Date.now() - last.atMs < DEGRADED_WINDOW_MS;
    return {
      kind: this.kind,
      state: recent ? 'degraded' : 'ok',
      acquired: this.acquired,
      fallbacks: { ...this.fallbacks },
      lastFallback: last && { at: new Date(last.atMs).toISOString(), reason: last.reason, error: last.error },
    };
  }

  private fellBack(reason: FallbackReason, error: unknown): void {
    this.fallbacks[reason]++;
    this.lastFallback = { atMs: Date.now(), reason, error: error instanceof Error ? error.message : String(error) };
    this.onFallback(reason, error);
  }
}
