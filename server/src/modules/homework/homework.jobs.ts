import type { JobDefinition } from '../../jobs.js';

const EVERY_MS = 30_000;

/**
 * Missed work: due times that passed give a 0 and a backlog; backlogs past 14 days close at 0. Both
 * steps are idempotent and safe on several workers at once, so a plain periodic tick is enough.
 */
export const homeworkDueJob: JobDefinition = {
  name: 'homework-due',
  intervalMs: () => EVERY_MS,
  runsInServer: (ctx) => !ctx.infra.redis || ctx.infra.env.SWEEP_IN_SERVER === true,
  async run({ services, infra }) {
    const now = infra.clock.now();
    await services.homework.processDue(now);
    await services.homework.closeBacklog(now);
  },
};
