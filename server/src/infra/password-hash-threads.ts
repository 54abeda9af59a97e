import { Worker } from 'node:worker_threads';

export interface HashParameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export type HashJob = { op: 'hash'; plain: string } | { op: 'verify'; hash: string | null; plain: string };

/** What one thread managed about its scheduling priority when it started. */
export interface ThreadPriority {
  niced: boolean;
  /** The OS thread id (Linux), so its priority can be read back from /proc. */
  tid: number | null;
  /** Why it is not niced (no /proc/thread-self on this system, or the call was refused). */
  reason: string | null;
}

const THREAD_FILE = new URL('./password-hash-thread.mjs', import.meta.url);
const DUMMY_PASSWORD = 'not-a-real-password-1A';

type Reply = { type: 'ready'; niced: boolean; tid: number | null; reason: string | null } | { type: 'done'; value: string | boolean } | { type: 'failed'; message: string };

/**
 * One hashing thread: starts, lowers its own priority, then runs one job at a time. The thread
 * holds the process open only while it has a job, so an idle hasher never keeps a process alive.
 */
class HashThread {
  readonly started: Promise<ThreadPriority>;
  private readonly worker: Worker;
  private current: { resolve: (value: string | boolean) => void; reject: (error: Error) => void } | undefined;
  alive = true;

  constructor(parameters: HashParameters) {
    this.worker = new Worker(THREAD_FILE, { workerData: { ...parameters, dummyPassword: DUMMY_PASSWORD } });
    this.started = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: Reply) => {
        if (reply.type === 'ready') {
          this.worker.unref();
          resolve({ niced: reply.niced, tid: reply.tid, reason: reply.reason });
          return;
        }
        const job = this.current;
        this.current = undefined;
        this.worker.unref();
        if (reply.type === 'done') job?.resolve(reply.value);
        else job?.reject(new Error(`password hashing failed: ${reply.message}`));
      });
      const fail = (error: Error) => {
        this.alive = false;
        reject(error);
        this.current?.reject(error);
        this.current = undefined;
      };
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`password hashing thread exited (${code})`)));
    });
    this.started.catch(() => undefined); // also reported to the job that waits for it
  }

  async run(job: HashJob): Promise<string | boolean> {
    await this.started;
    return new Promise((resolve, reject) => {
      this.current = { resolve, reject };
      this.worker.ref();
      this.worker.postMessage(job);
    });
  }

  async stop(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }
}

/**
 * A fixed number of low-priority hashing threads, started on first use. The caller (the hasher's
 * queue) runs at most `size` jobs at once, so a free thread is always there for each job.
 */
export class PasswordHashThreads {
  private readonly idle: HashThread[] = [];
  private readonly all = new Set<HashThread>();
  private reported = false;

  constructor(
    readonly size: number,
    private readonly parameters: HashParameters,
    /** Told once, when the first thread has started, whether it runs at low priority. */
    private readonly onPriority: (priority: ThreadPriority) => void = () => {},
  ) {}

  async run(job: HashJob): Promise<string | boolean> {
    const thread = this.take();
    try {
      return await thread.run(job);
    } finally {
      if (thread.alive) this.idle.push(thread);
      else this.all.delete(thread);
    }
  }

  /** Starts every thread (if not yet) and says how many there are and whether all run niced. */
  async priority(): Promise<{ threads: number; niced: boolean; tids: number[] }> {
    while (this.all.size < this.size) this.idle.push(this.spawn());
    const states = await Promise.all([...this.all].map((thread) => thread.started));
    return { threads: states.length, niced: states.every((s) => s.niced), tids: states.flatMap((s) => (s.tid === null ? [] : [s.tid])) };
  }

  async close(): Promise<void> {
    const threads = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((thread) => thread.stop()));
  }

  private take(): HashThread {
    const thread = this.idle.pop();
    if (thread) return thread;
    if (this.all.size >= this.size) throw new Error('more hashing jobs than threads: the queue must bound them');
    return this.spawn();
  }

  private spawn(): HashThread {
    const thread = new HashThread(this.parameters);
    this.all.add(thread);
    if (!this.reported) {
      this.reported = true;
      thread.started.then(this.onPriority, () => undefined);
    }
    return thread;
  }
}
