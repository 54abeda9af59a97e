import type { Lock } from '../../infra/lock.js';

interface Job<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface LockedBatcherOptions<O> {
  maxBatch?: number;
  /** Jobs of one batch running at once (keeps database connections for everything else). */
  parallel?: number;
  /** Past this wait the batch runs without the lock: it only saves work, the database fences. */
  maxWaitMs?: number;
  /** False when the lock's backend is known to be down: do not even try. */
  lockUsable?: () => boolean;
  /**
   * An answer that holds for the rest of the batch too (e.g. "nothing free"): jobs not yet started
   * get it without running — under the lock nothing of ours can have freed a slot meanwhile.
   */
  settlesRest?: (output: O) => boolean;
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
    private readonly options: LockedBatcherOptions<O> = {},
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
        const batch = this.queue.splice(0, this.options.maxBatch ?? 64);
        try {
          await this.underLock(() => this.settle(batch));
        } catch (error) {
          batch.forEach((job) => job.reject(error));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async settle(batch: Array<Job<I, O>>): Promise<void> {
    let next = 0;
    let settled: { output: O } | null = null;
    const worker = async () => {
      while (next < batch.length) {
        const job = batch[next++]!;
        if (settled) {
          job.resolve(settled.output);
          continue;
        }
        try {
          const output = await this.work(job.input);
          if (this.options.settlesRest?.(output)) settled ??= { output };
          job.resolve(output);
        } catch (error) {
          job.reject(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.parallel ?? 8, batch.length) }, worker));
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
