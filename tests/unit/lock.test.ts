import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { InProcessLock, RedisLock } from '../../server/src/infra/lock.js';
import { SecretBox } from '../../server/src/infra/crypto.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('locks', () => {
  it('in-process lock serialises holders of one key', async () => {
    const lock = new InProcessLock();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        lock.withLock('k', 1000, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(2);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it('redlock lets only one of two callers take a tryOnce key', async () => {
    const a = new Redis('redis://127.0.0.1:6379');
    const b = new Redis('redis://127.0.0.1:6379');
    try {
      const key = `test-${Math.random()}`;
      const ran: string[] = [];
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const first = new RedisLock(a).tryOnce(key, 5000, async () => {
        ran.push('a');
        holding();
        await released;
      });
      // The second caller tries only while the first one is inside its work.
      await held;
      const second = await new RedisLock(b).tryOnce(key, 5000, async () => void ran.push('b'));
      release();
      expect([await first, second]).toEqual([true, false]);
      expect(ran).toEqual(['a']);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('redlock degrades to running the work when Redis is unreachable, and says so', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => {});
    const reasons: string[] = [];
    const lock = new RedisLock(dead, (reason) => reasons.push(reason));
    expect(await lock.withLock('k', 500, async () => 42)).toBe(42);
    // A periodic duty still runs when the lock is unavailable: it must never stop silently.
    let swept = false;
    expect(await lock.tryOnce('sweep', 500, async () => void (swept = true))).toBe(true);
    expect(swept).toBe(true);
    expect(reasons).toEqual(['unavailable', 'unavailable']);
    expect(lock.status()).toMatchObject({ kind: 'redlock', state: 'degraded', acquired: 0, fallbacks: { unavailable: 2, contended: 0 } });
    await expect(lock.probe()).rejects.toThrow();
    dead.disconnect();
  });

  it('redlock really acquires: the key exists in Redis while the work runs, and the probe passes', async () => {
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const lock = new RedisLock(redis);
      await lock.probe();
      const key = `test-${Math.random()}`;
      const seen = await lock.withLock(key, 2000, () => redis.exists(`lock:${key}`));
      expect(seen).toBe(1);
      expect(await redis.exists(`lock:${key}`)).toBe(0);
      expect(lock.status()).toMatchObject({ state: 'ok', acquired: 1, fallbacks: { unavailable: 0, contended: 0 }, lastFallback: null });
    } finally {
      redis.disconnect();
    }
  });

  it('a key held elsewhere is contention, not an outage: tryOnce skips without a fallback', async () => {
    const a = new Redis('redis://127.0.0.1:6379');
    const b = new Redis('redis://127.0.0.1:6379');
    try {
      const key = `test-${Math.random()}`;
      const reasons: string[] = [];
      const second = new RedisLock(b, (reason) => reasons.push(reason));
      await new RedisLock(a).withLock(key, 2000, async () => {
        expect(await second.tryOnce(key, 2000, async () => undefined)).toBe(false);
      });
      expect(reasons).toEqual([]);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});

describe('secret box', () => {
  it('round-trips and detects tampering', () => {
    const box = new SecretBox('a'.repeat(64));
    const sealed = box.seal('client-secret');
    expect(sealed).not.toContain('client-secret');
    expect(box.open(sealed)).toBe('client-secret');
    // Flip one bit of the ciphertext: the GCM tag no longer matches.
    const [version, iv, tag, data] = sealed.split('.');
    const bytes = Buffer.from(data!, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    expect(() => box.open([version, iv, tag, bytes.toString('base64url')].join('.'))).toThrow();
    expect(() => new SecretBox('short')).toThrow(/32 bytes/);
  });
});
