import type { JobDefinition } from '../../jobs.js';

/** Forgets handled deliveries after a week: Zoom's retries stop within a day, the ledger need not grow forever. */
export const webhookLedgerPruneJob: JobDefinition = {
  name: 'webhook-ledger-prune',
  intervalMs: () => 60 * 60_000,
  runsInServer: (ctx) => !ctx.infra.redis || ctx.infra.env.SWEEP_IN_SERVER === true,
  run: async (ctx) => {
    await ctx.services.webhooks.pruneDeliveries();
  },
};
