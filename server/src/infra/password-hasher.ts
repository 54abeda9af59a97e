import argon2 from 'argon2';
import { availableParallelism } from 'node:os';
import { BoundedQueue } from './bounded-queue.js';
import { PasswordHashThreads, type ThreadPriority } from './password-hash-threads.js';

/**
 * argon2id with one of the equivalent settings the OWASP Password Storage Cheat Sheet lists
 * (m=47104/t=1, m=19456/t=2, m=12288/t=3, m=9216/t=4, m=7168/t=5; all p=1).
 *
 * Measured on the 2-core machines we run on (one verification alone, median of 20; then 20 at once):
 *   m=46 MiB t=1: 61 ms, 31/s     m=19 MiB t=2: 30 ms, 72/s     m=12 MiB t=3: 23 ms, 82/s
 *   m=9 MiB  t=4: 22 ms, 76/s     m=7 MiB  t=5: 21 ms, 78/s     (old library default m=64 MiB t=3 p=4: 180 ms, 8/s)
 * m=12 MiB t=3 is the cheapest per sign-in of the settings that still cost an attacker at least
 * 12 MiB per guess: the two smaller-memory settings are no faster here beyond the noise, and the
 * larger ones cost 30–170 % more CPU for the same OWASP rating. (Those figures are the C binding,
 * `argon2`, which still reads parameters for needsRehash. Hashing runs @node-rs/argon2 on our own
 * threads: on another 2-core machine of the same kind, the five settings above took 44, 30, 25.5,
 * 24 and 22 ms there, so the choice holds: the smaller settings save at most a tenth.)
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 12_288, timeCost: 3, parallelism: 1 } as const;

/**
 * One hashing thread per core. The threads run niced, so they only take CPU the event loop, the
 * database and everything else leave idle, and a sign-in burst can use every core's spare time.
 * Measured with `npm run bench:signin` on a 2-core machine where one verification takes ~25 ms
 * (sign-ins taking turns as below): with one thread, 200 sign-ins took 5.1–6.8 s to the last answer
 * (p99), over the 5 s target, as 200 × 25 ms is already 5 s of one core; with two, 2.3–3.3 s. The
 * other API calls' p99 during the burst was within the run-to-run noise either way.
 */
export const defaultHashConcurrency = (): number => Math.max(1, availableParallelism());

/** Beyond this many waiting (tens of seconds of hashing), a job is refused with Retry-After rather than queued. */
const MAX_WAITING = 2_000;
const BUSY_RETRY_SECONDS = 5;

export interface HasherObserver {
  /** Waiting jobs, after every change. */
  queueLength(waiting: number): void;
  /** Once per argon2 operation started. */
  operation(kind: 'hash' | 'verify'): void;
  /** Once, when the first hashing thread has started: whether it runs at low priority. */
  threadPriority?(priority: ThreadPriority): void;
}

/**
 * Password hashing behind a small queue: a flood of sign-ins (or of wrong passwords) waits here
 * for a hashing slot, and each slot is a thread of its own at the lowest scheduling priority
 * (password-hash-threads.ts), so hashing gets only the CPU the API and the sockets leave over.
 */
export class PasswordHasher {
  private readonly slots: BoundedQueue;
  private readonly threads: PasswordHashThreads;

  constructor(
    readonly concurrency: number = defaultHashConcurrency(),
    private readonly observer: HasherObserver = { queueLength: () => {}, operation: () => {} },
    maxWaiting = MAX_WAITING,
  ) {
    this.slots = new BoundedQueue(concurrency, { maxWaiting, retryAfterSeconds: BUSY_RETRY_SECONDS, busyMessage: 'Sign-in is busy; try again in a few seconds', onLength: observer.queueLength });
    this.threads = new PasswordHashThreads(concurrency, PASSWORD_HASH_OPTIONS, (priority) => observer.threadPriority?.(priority));
  }

  /** Jobs waiting for a slot (not counting those running). */
  get queued(): number {
    return this.slots.queued;
  }

  get active(): number {
    return this.slots.active;
  }

  hash(plain: string): Promise<string> {
    return this.run('hash', async () => String(await this.threads.run({ op: 'hash', plain })));
  }

  /**
   * True when `plain` matches `hash`. With no hash (unknown email, OAuth-only account) it verifies
   * against a dummy hash anyway, so the answer takes the same time and nobody learns which emails exist.
   */
  verify(hash: string | null, plain: string): Promise<boolean> {
    return this.run('verify', async () => (await this.threads.run({ op: 'verify', hash, plain })) === true);
  }

  /** The hashing threads (started now if not yet): how many, whether all run niced, their OS thread ids. */
  threadState(): Promise<{ threads: number; niced: boolean; tids: number[] }> {
    return this.threads.priority();
  }

  close(): Promise<void> {
    return this.threads.close();
  }

  /** A stored hash made with other parameters (older ones, or another algorithm). */
  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, PASSWORD_HASH_OPTIONS);
    } catch {
      return true;
    }
  }

  private run<T>(kind: 'hash' | 'verify', work: () => Promise<T>): Promise<T> {
    return this.slots.run(() => {
      this.observer.operation(kind);
      return work();
    });
  }
}
