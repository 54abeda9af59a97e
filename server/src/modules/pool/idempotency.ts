import type { Redis } from 'ioredis';
import type { Logger } from '../../infra/logger.js';

/**
 * Remembers the answer to a request by its Idempotency-Key for a while: in Redis so every node sees
 * it, in memory without Redis (or while Redis is down).
 */
export class IdempotencyStore {
  private readonly memory = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly redis: Redis | null,
    private readonly logger: Logger,
    private readonly ttlSeconds = 600,
  ) {}

  async get<T>(key: string): Promise<T | null> {
    const stored = await this.read(`idem:${key}`);
    return stored === null ? null : (JSON.parse(stored) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    this.remember(`idem:${key}`, text);
    if (!this.usable()) return;
    await this.redis!.set(`idem:${key}`, text, 'EX', this.ttlSeconds).catch((error: unknown) => this.logger.warn({ err: String(error) }, 'idempotency store: redis unavailable'));
  }

  private async read(key: string): Promise<string | null> {
    if (this.usable()) {
      try {
        const value = await this.redis!.get(key);
        if (value !== null) return value;
      } catch (error) {
        this.logger.warn({ err: String(error) }, 'idempotency store: redis unavailable');
      }
    }
    const entry = this.memory.get(key);
    if (!entry) return null;
    if (entry.expiresAt < Date.now()) {
      this.memory.delete(key);
      return null;
    }
    return entry.value;
  }

  /** A Redis that is down answers late or never: use memory meanwhile. */
  private usable(): boolean {
    return this.redis !== null && this.redis.status === 'ready';
  }

  private remember(key: string, value: string): void {
    if (this.memory.size > 10_000) {
      const now = Date.now();
      for (const [k, entry] of this.memory) if (entry.expiresAt < now) this.memory.delete(k);
      if (this.memory.size > 10_000) this.memory.clear();
    }
    this.memory.set(key, { value, expiresAt: Date.now() + this.ttlSeconds * 1000 });
  }
}
