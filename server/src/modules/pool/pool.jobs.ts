import type { JobDefinition } from '../../jobs.js';

/** The release sweep: overdue meetings ended, orphaned reservations reclaimed, drift repaired. */
export const poolSweepJob: JobDefinition = {
  name: 'pool-sweep',
  intervalMs: (ctx) => ctx.infra.env.SWEEP_INTERVAL_S * 1000,
  runsInServer: (ctx) => !ctx.infra.redis || ctx.infra.env.SWEEP_IN_SERVER === true,
  run: async (ctx) => {
    // One sweeper per tick across workers; the SQL is safe even when two slip through.
    await ctx.infra.lock.tryOnce('pool-sweep', Math.max(10_000, ctx.infra.env.SWEEP_INTERVAL_S * 1000), async () => {
      await ctx.services.pool.sweep();
    });
  },
};
