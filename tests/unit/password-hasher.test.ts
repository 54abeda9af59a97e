import { describe, expect, it } from 'vitest';
import argon2 from 'argon2';
import { AppError } from '../../server/src/infra/errors.js';
import { PASSWORD_HASH_OPTIONS, PasswordHasher, type HasherObserver } from '../../server/src/infra/password-hasher.js';

/** A hasher that records what it reports, and how many operations ran at once when each one started. */
function watchedHasher(concurrency: number) {
  const seen = { started: [] as Array<'hash' | 'verify'>, activeAtStart: [] as number[], queueLengths: [] as number[] };
  const observer: HasherObserver = {
    operation(kind) {
      seen.started.push(kind);
      seen.activeAtStart.push(hasher.active);
    },
    queueLength: (waiting) => seen.queueLengths.push(waiting),
  };
  const hasher = new PasswordHasher(concurrency, observer);
  return { hasher, seen };
}

describe('password hasher', () => {
  it('stores argon2id with the chosen OWASP parameters', async () => {
    const hasher = new PasswordHasher(1);
    const hash = await hasher.hash('Passw0rd!');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=12288,t=3,p=1\$/);
    expect(await hasher.verify(hash, 'Passw0rd!')).toBe(true);
    expect(await hasher.verify(hash, 'passw0rd!')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('recognises hashes made with other parameters, and garbage, as needing a new hash', async () => {
    const hasher = new PasswordHasher(1);
    const libraryDefault = await argon2.hash('Passw0rd!', { type: argon2.argon2id });
    expect(hasher.needsRehash(libraryDefault)).toBe(true);
    expect(await hasher.verify(libraryDefault, 'Passw0rd!')).toBe(true);
    expect(hasher.needsRehash(await argon2.hash('x', { ...PASSWORD_HASH_OPTIONS, timeCost: 2 }))).toBe(true);
    expect(hasher.needsRehash('not a hash')).toBe(true);
  });

  it('verifies against a dummy hash when there is no stored one, and never matches', async () => {
    const { hasher, seen } = watchedHasher(1);
    expect(await hasher.verify(null, 'not-a-real-password-1A')).toBe(false);
    expect(await hasher.verify(null, 'anything')).toBe(false);
    expect(seen.started).toEqual(['verify', 'verify']);
  });

  it('runs at most `concurrency` operations at once; the rest wait in the queue', async () => {
    const { hasher, seen } = watchedHasher(2);
    const stored = await argon2.hash('Passw0rd!', PASSWORD_HASH_OPTIONS);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => hasher.verify(stored, i % 2 ? 'Passw0rd!' : 'wrong')));
    expect(results).toEqual([false, true, false, true, false, true, false, true]);
    expect(seen.started).toHaveLength(8);
    expect(Math.max(...seen.activeAtStart)).toBe(2);
    expect(Math.max(...seen.queueLengths)).toBe(6);
    expect(seen.queueLengths.at(-1)).toBe(0);
    expect(hasher.active).toBe(0);
    expect(hasher.queued).toBe(0);
  });

  it('refuses with Retry-After once the queue is full, and keeps serving the queued', async () => {
    const hasher = new PasswordHasher(1, undefined, 2);
    const stored = await argon2.hash('Passw0rd!', PASSWORD_HASH_OPTIONS);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => hasher.verify(stored, 'Passw0rd!')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refusal = (outcomes[3] as PromiseRejectedResult).reason as AppError;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal.code).toBe('rate/limited');
    expect(refusal.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(await hasher.verify(stored, 'Passw0rd!')).toBe(true);
  });
});
