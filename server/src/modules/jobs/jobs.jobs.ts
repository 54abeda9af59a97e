import type { JobDefinition } from '../../jobs.js';

/** Forgets sent-mail ledger rows after a month: retries of a mail end within a day. */
export const mailLedgerPruneJob: JobDefinition = {
  name: 'mail-ledger-prune',
  intervalMs: () => 6 * 3600_000,
  runsInServer: (ctx) => ctx.infra.env.QUEUE_IN_SERVER ?? !ctx.infra.redis,
  run: async (ctx) => {
    await ctx.services.jobs.mailer.pruneLedger();
  },
};
