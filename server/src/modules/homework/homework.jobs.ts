import { defineScheduledJob, type JobDefinition } from '../../jobs.js';
import type { AppContext } from '../index.js';
import { HOMEWORK_DUE } from './homework.schedule.js';

const EVERY_MS = 60_000;

/** Both missed-work steps; each is idempotent and safe on several workers at once. */
async function runMissedWork({ services, infra }: AppContext): Promise<void> {
  const now = infra.clock.now();
  await services.homework.processDue(now);
  await services.homework.closeBacklog(now);
}

/** At a homework's due moment (and its backlog's end): missed → 0 and backlog; backlog over → closed. */
export const homeworkDueJob = defineScheduledJob<{ homeworkId: string }>({
  ...HOMEWORK_DUE,
  run: (ctx) => runMissedWork(ctx),
});

/** The safety net: the same steps every minute, in the server too in single-node mode. */
export const homeworkSweepJob: JobDefinition = {
  name: 'homework-sweep',
  intervalMs: () => EVERY_MS,
  runsInServer: (ctx) => !ctx.infra.redis || ctx.infra.env.SWEEP_IN_SERVER === true,
  run: runMissedWork,
};
