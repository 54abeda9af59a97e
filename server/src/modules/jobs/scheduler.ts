import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../infra/clock.js';
import { ambientTransaction, type JobQueue } from './job-queue.js';
import type { JobsRepository } from './jobs.repository.js';

/**
 * A scheduled job as the scheduler sees it: its queue name, typed by its data. The full definition
 * (`defineScheduledJob` in `server/src/jobs.ts`) adds what runs it.
 */
export interface ScheduledJobRef<T extends object> {
  readonly name: string;
  /** Only carries the data type. */
  readonly dataType?: T;
}

export interface ScheduleOptions {
  /** Enlist in this transaction (default: the MikroORM transaction the caller runs in, if any). */
  em?: EntityManager;
}

/**
 * One waiting job per (job, key): scheduling again moves it, cancelling removes it. Each job runs on
 * one worker however many there are (PostgreSQL hands it out once with SKIP LOCKED).
 */
export class Scheduler {
  constructor(
    private readonly queue: JobQueue,
    private readonly repo: JobsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `job` with `data` at `runAt` (at once when it is past); replaces any waiting run with the
   * same key. `runAt` is read against the app's clock, so an injected clock moves it consistently.
   */
  async schedule<T extends object>(job: ScheduledJobRef<T>, key: string, runAt: Date, data: T, options: ScheduleOptions = {}): Promise<void> {
    const em = options.em ?? ambientTransaction();
    const delayMs = Math.max(0, runAt.getTime() - this.clock.now().getTime());
    const place = async (tx: EntityManager) => {
      await this.queue.cancel(job.name, await this.repo.waitingJobIds(tx, job.name, key), tx);
      const id = await this.queue.send(job.name, data, { singletonKey: key, startAfter: await this.repo.databaseNowPlus(tx, delayMs), em: tx });
      // The queue keeps one waiting job per key: a concurrent schedule of the same key won the race.
      if (!id) throw new Error(`${job.name} ${key}: another run is already waiting`);
    };
    if (em) await place(em);
    else await this.repo.transaction(place);
  }

  /** The same as `schedule`: the moment moved. */
  reschedule<T extends object>(job: ScheduledJobRef<T>, key: string, runAt: Date, data: T, options: ScheduleOptions = {}): Promise<void> {
    return this.schedule(job, key, runAt, data, options);
  }

  /** Removes the waiting run for `key`, if any; returns whether there was one. */
  async cancel(job: ScheduledJobRef<object>, key: string, options: ScheduleOptions = {}): Promise<boolean> {
    const em = options.em ?? ambientTransaction();
    const drop = async (tx: EntityManager) => {
      const ids = await this.repo.waitingJobIds(tx, job.name, key);
      await this.queue.cancel(job.name, ids, tx);
      return ids.length > 0;
    };
    return em ? drop(em) : this.repo.transaction(drop);
  }

  /** When the waiting run for `key` is due (in the app's clock), or null. */
  async scheduledAt(job: ScheduledJobRef<object>, key: string): Promise<Date | null> {
    const due = await this.repo.waitingRunDelay(job.name, key);
    return due === null ? null : new Date(this.clock.now().getTime() + due);
  }
}
