import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

export interface Limiter {
  /** Counts one attempt for `key`; throws `rate/limited` (with Retry-After) past the budget. */
  consume(key: string, message?: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export type LimiterFactory = (name: string, points: number, perSeconds: number) => Limiter;

export function limiterFactory(redis: Redis | null): LimiterFactory {
  return (name, points, perSeconds) => {
    if (points <= 0) return { consume: async () => {}, reset: async () => {} };
    const options = { keyPrefix: `rl:${name}`, points, duration: perSeconds };
    const inner: RateLimiterAbstract = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
      : new RateLimiterMemory(options);
    return {
      async consume(key, message = 'Too many attempts; try again later') {
        try {
          await inner.consume(key);
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) {
            throw new AppError('rate/limited', message, { retryAfterSeconds: Math.ceil(rejection.msBeforeNext / 1000) });
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
