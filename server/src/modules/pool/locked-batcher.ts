import type { Lock } from '../../infra/lock.js';

interface Job<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface LockedBatcherOptions {
  maxBatch?: number;
  /** Past this wait the batch runs without the lock: it only saves work, the database fences. */
  maxWaitMs?: number;
  /** False when the lock's backend is known to be down: do not even try. */
  lockUsable?: () => boolean;
}

/**
 * Runs jobs under a cluster-wide efficiency lock, a batch per acquisition: callers on this node queue
 * up, and whoever drains takes the lock once and hands everything queued so far to `work` in one call
 * (one statement). Only one contender per node ever polls for the lock.
 */
export class LockedBatcher<I, O> {
  private readonly queue: Array<Job<I, O>> = [];
  private draining = false;

  constructor(
    private readonly lock: Lock,
    private readonly key: string,
    private readonly ttlMs: number,
    /** Returns one output per input, in order. */
    private readonly work: (inputs: I[]) => Promise<O[]>,
    private readonly options: LockedBatcherOptions = {},
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
        const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
        try {
          const outputs = await this.underLock(() => this.work(batch.map((job) => job.input)));
          batch.forEach((job, i) => job.resolve(outputs[i]!));
        } catch (error) {
          batch.forEach((job) => job.reject(error));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async underLock<T>(run: () => Promise<T>): Promise<T> {
    if (this.options.lockUsable && !this.options.lockUsable()) return run();
    // Whichever comes first, the lock or the deadline, runs the batch; the other finds it running.
    let running: Promise<T> | null = null;
    const once = () => (running ??= run());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.maxWaitMs ?? 500);
    }).then(once);
    try {
      return await Promise.race([this.lock.withLock(this.key, this.ttlMs, once), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
