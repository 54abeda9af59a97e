import type { Redis } from 'ioredis';
import { LIMITS } from '@tp/shared';
import type { Logger } from '../../infra/logger.js';

/** A cutoff outlives every access token issued before it, then it is no longer needed. */
const CUTOFF_TTL_MS = (LIMITS.accessTokenSeconds + 60) * 1000;

/**
 * Access tokens are stateless, so a deactivated user's token would work until it runs out. A cutoff
 * refuses a user's tokens issued at or before it, on every node (kept in Redis when there is one; this
 * node's memory also remembers it, so a Redis outage does not let them back in here).
 */
export class AccessCutoffs {
  private readonly local = new Map<string, { at: number; until: number }>();

  constructor(
    private readonly redis: Redis | null,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  async cut(userId: string): Promise<void> {
    const at = this.now();
    this.local.set(userId, { at, until: at + CUTOFF_TTL_MS });
    await this.redis?.set(key(userId), String(at), 'PX', CUTOFF_TTL_MS).catch((error: unknown) => this.logger.warn({ err: String(error) }, 'access cutoff not shared'));
  }

  /** Lets the user's next tokens through at once (a reactivated account signing in again). */
  async lift(userId: string): Promise<void> {
    this.local.delete(userId);
    await this.redis?.del(key(userId)).catch((error: unknown) => this.logger.warn({ err: String(error) }, 'access cutoff not lifted in Redis'));
  }

  /** Whether a token of `userId` issued at `issuedAtMs` was cut off. */
  async isCut(userId: string, issuedAtMs: number): Promise<boolean> {
    const now = this.now();
    const known = this.local.get(userId);
    if (known && known.until < now) this.local.delete(userId);
    else if (known && issuedAtMs <= known.at) return true;
    if (!this.redis) return false;
    try {
      const shared = await this.redis.get(key(userId));
      return shared !== null && issuedAtMs <= Number(shared);
    } catch {
      return false;
    }
  }
}

const key = (userId: string) => `access-cutoff:${userId}`;
