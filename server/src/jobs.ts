import type { AppContext } from './modules/index.js';
import { confirmReminderJob } from './modules/auth/auth.jobs.js';
import { poolSweepJob } from './modules/pool/pool.jobs.js';
import { webhookLedgerPruneJob } from './modules/webhooks/webhooks.jobs.js';

export interface BackgroundJobs {
  stop(): Promise<void>;
}

/** A timer job run by the worker (or by the server in single-node mode). */
export interface JobDefinition {
  name: string;
  intervalMs: (ctx: AppContext) => number;
  /** Run in the HTTP server too? Decided from the context (e.g. single-node mode). */
  runsInServer?: (ctx: AppContext) => boolean;
  /** Runs once per tick; must be safe when several workers tick at once. */
  run: (ctx: AppContext) => Promise<void>;
}

/** Every module's jobs; a module adds its own. */
export const jobDefinitions: JobDefinition[] = [confirmReminderJob, poolSweepJob, webhookLedgerPruneJob];

export async function startBackgroundJobs(ctx: AppContext, where: { inServer: boolean }): Promise<BackgroundJobs> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const job of jobDefinitions) {
    if (where.inServer && !job.runsInServer?.(ctx)) continue;
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const run = job
        .run(ctx)
        .catch((error) => ctx.infra.logger.error({ err: error, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    timers.push(setInterval(tick, job.intervalMs(ctx)));
    ctx.infra.logger.info({ job: job.name, everyMs: job.intervalMs(ctx) }, 'job scheduled');
  }
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.allSettled([...running]);
    },
  };
}
