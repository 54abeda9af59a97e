interface Job<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface MicroBatcherOptions {
  maxBatch?: number;
  /** Batches allowed on the wire at once; calls arriving meanwhile wait and go together. */
  maxInFlight?: number;
}

/**
 * Turns independent statements of concurrent callers into one: an idle batcher sends a call at once;
 * calls that arrive while batches are in flight queue up and go together in the next one. No lock and
 * no timer, so it only ever adds latency under load, where it saves round trips and commits.
 * A failed batch is retried one input at a time, so one bad row cannot fail its neighbours.
 */
export class MicroBatcher<I, O> {
  private readonly queue: Array<Job<I, O>> = [];
  private inFlight = 0;

  constructor(
    /** Returns one output per input, in order. */
    private readonly work: (inputs: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions = {},
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length && this.inFlight < (this.options.maxInFlight ?? 1)) {
      const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Array<Job<I, O>>): Promise<void> {
    try {
      const outputs = await this.work(batch.map((job) => job.input));
      batch.forEach((job, i) => job.resolve(outputs[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(
        batch.map((job) =>
          this.work([job.input]).then(
            (outputs) => job.resolve(outputs[0]!),
            (alone: unknown) => job.reject(alone),
          ),
        ),
      );
    }
  }
}
