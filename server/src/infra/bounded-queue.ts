import { AppError } from './errors.js';

export interface BoundedQueueOptions {
  /** Beyond this many waiting, `run` refuses at once (429 with Retry-After) rather than queueing. */
  maxWaiting: number;
  retryAfterSeconds: number;
  busyMessage: string;
  /** Waiting jobs, after every change (a metric). */
  onLength?: (waiting: number) => void;
}

/**
 * At most `concurrency` jobs run at once; the rest wait in arrival order. A freed slot passes
 * straight to the next waiter, so a job that arrives later never overtakes one that waits.
 */
export class BoundedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly concurrency: number,
    private readonly options: BoundedQueueOptions,
  ) {}

  /** Jobs waiting for a slot (not counting those running). */
  get queued(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.slot();
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
      this.options.onLength?.(this.waiting.length);
    }
  }

  private slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxWaiting) {
      return Promise.reject(new AppError('rate/limited', this.options.busyMessage, { retryAfterSeconds: this.options.retryAfterSeconds }));
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.running++;
        resolve();
      });
      this.options.onLength?.(this.waiting.length);
    });
  }
}
