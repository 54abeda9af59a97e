import { afterEach, describe, expect, it } from 'vitest';
import argon2 from 'argon2';
import { readFileSync } from 'node:fs';
import { AppError } from '../../server/src/infra/errors.js';
import { PASSWORD_HASH_OPTIONS, PasswordHasher, type HasherObserver } from '../../server/src/infra/password-hasher.js';

const opened: PasswordHasher[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((hasher) => hasher.close()));
});

/** The nice value of one OS thread of this process (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start with field 3.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
}

const track = (hasher: PasswordHasher) => {
  opened.push(hasher);
  return hasher;
};

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
  const hasher = track(new PasswordHasher(concurrency, observer));
  return { hasher, seen };
}

describe('password hasher', () => {
  it('stores argon2id with the chosen OWASP parameters', async () => {
    const hasher = track(new PasswordHasher(1));
    const hash = await hasher.hash('Passw0rd!');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=12288,t=3,p=1\$/);
    expect(await hasher.verify(hash, 'Passw0rd!')).toBe(true);
    expect(await hasher.verify(hash, 'passw0rd!')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('recognises hashes made with other parameters, and garbage, as needing a new hash', async () => {
    const hasher = track(new PasswordHasher(1));
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
    // One thread per slot, however many jobs came.
    expect((await hasher.threadState()).threads).toBe(2);
  });

  it.runIf(process.platform === 'linux')('hashes on threads at the lowest priority, leaving the event loop thread as it was', async () => {
    const mainNice = niceOf(process.pid);
    const reported: boolean[] = [];
    const hasher = track(new PasswordHasher(2, { queueLength: () => {}, operation: () => {}, threadPriority: ({ niced }) => reported.push(niced) }));
    expect(await hasher.verify(await hasher.hash('Passw0rd!'), 'Passw0rd!')).toBe(true);

    const state = await hasher.threadState();
    expect(state).toMatchObject({ threads: 2, niced: true });
    expect(state.tids).toHaveLength(2);
    for (const tid of state.tids) expect(niceOf(tid)).toBe(19);
    expect(niceOf(process.pid)).toBe(mainNice);
    expect(reported).toEqual([true]);
  });

  it.skipIf(process.platform === 'linux')('still hashes where threads have no priority of their own, and says so', async () => {
    const hasher = track(new PasswordHasher(1));
    expect(await hasher.verify(await hasher.hash('Passw0rd!'), 'Passw0rd!')).toBe(true);
    expect(await hasher.threadState()).toMatchObject({ threads: 1, niced: false });
  });

  it('refuses with Retry-After once the queue is full, and keeps serving the queued', async () => {
    const hasher = track(new PasswordHasher(1, undefined, 2));
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
