import type { JobDefinition } from '../../jobs.js';

/** Reminds unconfirmed users to confirm their email; each user gets at most one a day. */
export const confirmReminderJob: JobDefinition = {
  name: 'auth:confirm-reminders',
  intervalMs: () => 60 * 60 * 1000,
  runsInServer: (ctx) => ctx.infra.redis === null,
  async run(ctx) {
    const reminded = await ctx.services.auth.sendConfirmReminders();
    if (reminded) ctx.infra.logger.info({ reminded }, 'email confirmation reminders sent');
  },
};
