import type { AppContext } from './modules/index.js';
import type { JobRun } from './modules/jobs/job-queue.js';
import type { ScheduledJobRef } from './modules/jobs/scheduler.js';
import { confirmReminderJob } from './modules/auth/auth.jobs.js';
import { poolSweepJob } from './modules/pool/pool.jobs.js';
import { webhookLedgerPruneJob } from './modules/webhooks/webhooks.jobs.js';
import { mailLedgerPruneJob } from './modules/jobs/jobs.jobs.js';
import { homeworkDueJob, homeworkSweepJob } from './modules/homework/homework.jobs.js';
import { chatDigestJob, homeworkDueSoonJob, lessonReminderJob, lessonRemindersAheadJob } from './modules/notifications/notifications.jobs.js';

export interface BackgroundJobs {
  stop(): Promise<void>;
}

/**
 * A periodic duty run by the worker (or by the server in single-node mode): one run at a time across
 * all processes (a lease in PostgreSQL), each outcome recorded for /api/health and /metrics.
 */
export interface JobDefinition {
  name: string;
  intervalMs: (ctx: AppContext) => number;
  /** Run in the HTTP server too? Decided from the context (e.g. single-node mode). */
  runsInServer?: (ctx: AppContext) => boolean;
  /** Runs once per tick; must be safe should a run be repeated after a crash. */
  run: (ctx: AppContext) => Promise<void>;
}

/** Every module's periodic duties; a module adds its own. */
export const jobDefinitions: JobDefinition[] = [confirmReminderJob, poolSweepJob, webhookLedgerPruneJob, mailLedgerPruneJob, homeworkSweepJob, lessonRemindersAheadJob];

/**
 * Something that must happen at a moment, declared in the owning module's `*.jobs.ts` with
 * `defineScheduledJob` and scheduled with `services.jobs.scheduler` (see docs/ARCHITECTURE.md).
 */
export interface ScheduledJob<T extends object> extends ScheduledJobRef<T> {
  /** Attempts after the first when `run` throws (default 5); each waits twice as long as the one before. */
  retryLimit?: number;
  /** Runs once per scheduled moment; tolerates a repeat after a crash (re-read state, act only if still due). */
  run(ctx: AppContext, data: T, job: JobRun): Promise<void>;
}

export function defineScheduledJob<T extends object>(job: ScheduledJob<T>): ScheduledJob<T> {
  return job;
}

/** Every module's scheduled jobs; a module adds its own. */
export const scheduledJobs: ScheduledJob<object>[] = [homeworkDueJob, lessonReminderJob, homeworkDueSoonJob, chatDigestJob] as ScheduledJob<object>[];

/** Whether this HTTP server also works the queues (single-node mode unless QUEUE_IN_SERVER says). */
export const queueRunsInServer = (ctx: AppContext): boolean => ctx.infra.env.QUEUE_IN_SERVER ?? !ctx.infra.redis;

/**
 * Connects the queue (every process sends); with `work`, this process also runs the jobs.
 * Stopped with the infrastructure.
 */
export async function startJobQueue(ctx: AppContext, options: { work: boolean; role: string; extra?: ScheduledJob<object>[] }): Promise<void> {
  const { queue } = ctx.services.jobs;
  for (const job of [...scheduledJobs, ...(options.extra ?? [])]) {
    queue.define<object>({ name: job.name, policy: 'stately', retryLimit: job.retryLimit ?? 5, handle: (data, run) => job.run(ctx, data, run) });
  }
  await queue.start({ work: options.work, name: options.role });
  ctx.infra.onClose(() => queue.stop());
}

export async function startBackgroundJobs(ctx: AppContext, where: { inServer: boolean }): Promise<BackgroundJobs> {
  const { duties } = ctx.services.jobs;
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  for (const job of jobDefinitions) {
    if (where.inServer && !job.runsInServer?.(ctx)) continue;
    const everyMs = job.intervalMs(ctx);
    await duties.register(job.name, everyMs);
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const run = duties
        .runOnce(job.name, everyMs, () => job.run(ctx))
        .catch((error) => ctx.infra.logger.error({ err: error, job: job.name }, 'duty bookkeeping failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    timers.push(setInterval(tick, everyMs));
    ctx.infra.logger.info({ job: job.name, everyMs }, 'job scheduled');
  }
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.allSettled([...running]);
    },
  };
}
