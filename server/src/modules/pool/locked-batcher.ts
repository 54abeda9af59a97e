import type { Lock } from '../../infra/lock.js';

interface Job<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs jobs under a cluster-wide efficiency lock, a batch per acquisition: callers on this node queue
 * up, and whoever drains takes the lock once for everything queued so far. One lock round trip then
 * covers many reservations, and only one contender per node ever polls for the lock.
 */
export class LockedBatcher<I, O> {
  private readonly queue: Array<Job<I, O>> = [];
  private draining = false;

  constructor(
    private readonly lock: Lock,
    private readonly key: string,
    private readonly ttlMs: number,
    private readonly work: (input: I) => Promise<O>,
    private readonly options: {
      maxBatch?: number;
      /** Past this wait the batch runs without the lock: it only saves work, the database fences. */
      maxWaitMs?: number;
      /** False when the lock's backend is known to be down: do not even try. */
      lockUsable?: () => boolean;
    } = {},
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 16);
        const settle = () =>
          Promise.all(
            batch.map(async (job) => {
              try {
                job.resolve(await this.work(job.input));
              } catch (error) {
                job.reject(error);
              }
            }),
          );
        try {
          await this.underLock(settle);
        } catch (error) {
          batch.forEach((job) => job.reject(error));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async underLock(settle: () => Promise<unknown>): Promise<void> {
    if (this.options.lockUsable && !this.options.lockUsable()) {
      await settle();
      return;
    }
    // Whichever comes first, the lock or the deadline, runs the batch; the other finds it running.
    let running: Promise<unknown> | null = null;
    const once = () => (running ??= settle());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.maxWaitMs ?? 500);
    }).then(once);
    try {
      await Promise.race([this.lock.withLock(this.key, this.ttlMs, once), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
