import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

export interface Limiter {
  /** Counts one attempt for `key`; throws `rate/limited` (with Retry-After) past the budget. */
  consume(key: string, message?: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export type LimiterFactory = (name: string, points: number, perSeconds: number) => Limiter;

/** Shared across nodes through Redis (falling back to this node's memory if Redis fails), else in memory. */
function store(redis: Redis | null, options: { keyPrefix: string; points: number; duration: number; blockDuration?: number }): RateLimiterAbstract {
  return redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
    : new RateLimiterMemory(options);
}

const retryAfterSeconds = (msBeforeNext: number) => Math.max(1, Math.ceil(msBeforeNext / 1000));

export function limiterFactory(redis: Redis | null): LimiterFactory {
  return (name, points, perSeconds) => {
    if (points <= 0) return { consume: async () => {}, reset: async () => {} };
    const inner = store(redis, { keyPrefix: `rl:${name}`, points, duration: perSeconds });
    return {
      async consume(key, message = 'Too many attempts; try again later') {
        try {
          await inner.consume(key);
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) {
            throw new AppError('rate/limited', message, { retryAfterSeconds: retryAfterSeconds(rejection.msBeforeNext) });
          }
          throw rejection;
        }
      },
      async reset(key) {
        await inner.delete(key);
      },
    };
  };
}

/** `failures` within `windowSeconds` (successes reset it); after that the key waits `blockSeconds`. */
export interface FailureBudget {
  failures: number;
  windowSeconds: number;
  blockSeconds: number;
}

/**
 * Counts failures only (rate-limiter-flexible's login-protection pattern), so any number of
 * successes never block anyone. An attempt is counted before its outcome is known and given back
 * when it succeeds: many attempts in flight at once cannot slip past the budget.
 */
export interface FailureCounter {
  /** Seconds `key` must still wait, or 0. Counts nothing. */
  blockedFor(key: string): Promise<number>;
  /** Counts an attempt as failed until `succeeded` says otherwise; seconds to wait if it is over budget (then it counts nothing). */
  attempt(key: string): Promise<number>;
  /** Gives back the attempt counted for a success. */
  succeeded(key: string): Promise<void>;
  /** Forgets every counted failure of `key`. */
  reset(key: string): Promise<void>;
}

export type FailureCounterFactory = (name: string, budget: FailureBudget) => FailureCounter;

export function failureCounterFactory(redis: Redis | null): FailureCounterFactory {
  return (name, { failures, windowSeconds, blockSeconds }) => {
    if (failures <= 0) {
      return { blockedFor: async () => 0, attempt: async () => 0, succeeded: async () => {}, reset: async () => {} };
    }
    // consume() blocks the key for blockDuration once more than `points` are counted.
    const inner = store(redis, { keyPrefix: `rl:${name}`, points: failures, duration: windowSeconds, blockDuration: blockSeconds });
    return {
      async blockedFor(key) {
        const state = await inner.get(key);
        return state && state.consumedPoints > failures ? retryAfterSeconds(state.msBeforeNext) : 0;
      },
      async attempt(key) {
        try {
          await inner.consume(key);
          return 0;
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) return retryAfterSeconds(rejection.msBeforeNext);
          throw rejection;
        }
      },
      async succeeded(key) {
        await inner.reward(key, 1);
      },
      async reset(key) {
        await inner.delete(key);
      },
    };
  };
}
