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
    private readonly maxBatch = 16,
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
        const batch = this.queue.splice(0, this.maxBatch);
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
          await this.lock.withLock(this.key, this.ttlMs, settle);
        } catch (error) {
          batch.forEach((job) => job.reject(error));
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
