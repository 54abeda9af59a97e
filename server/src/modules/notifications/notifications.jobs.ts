import { defineScheduledJob, type JobDefinition } from '../../jobs.js';
import { CHAT_DIGEST, HOMEWORK_DUE_SOON, LESSON_REMINDER } from './notifications.triggers.js';

const LOOKAHEAD_EVERY_MS = 10 * 60_000;

/** 15 minutes before a lesson: its teacher and students are told (once, however many workers run it). */
export const lessonReminderJob = defineScheduledJob<{ eventId: string }>({
  ...LESSON_REMINDER,
  run: async (ctx, { eventId }) => {
    await ctx.services.notificationTriggers.remindLesson(eventId);
  },
});

/** A day before a homework's due time: students who have handed in nothing yet. */
export const homeworkDueSoonJob = defineScheduledJob<{ homeworkId: string; dueAt: string; studentId?: string }>({
  ...HOMEWORK_DUE_SOON,
  run: async (ctx, data) => {
    await ctx.services.notificationTriggers.remindDue(data);
  },
});

/** A user's missed chat messages in one email, at most one an hour. */
export const chatDigestJob = defineScheduledJob<{ userId: string }>({
  ...CHAT_DIGEST,
  run: (ctx, { userId }) => ctx.services.notificationTriggers.sendDigest(userId),
});

/**
 * Rule occurrences are not stored, so no write schedules their reminders: this duty places the
 * reminders of the next 24 h (and is the safety net for lessons whose scheduling failed).
 */
export const lessonRemindersAheadJob: JobDefinition = {
  name: 'lesson-reminders-ahead',
  intervalMs: () => LOOKAHEAD_EVERY_MS,
  runsInServer: (ctx) => !ctx.infra.redis || ctx.infra.env.SWEEP_IN_SERVER === true,
  run: (ctx) => ctx.services.notificationTriggers.placeUpcomingReminders(),
};
