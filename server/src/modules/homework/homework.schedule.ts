import { LIMITS } from '@tp/shared';
import type { Scheduler, ScheduledJobRef } from '../jobs/scheduler.js';

const DAY_MS = 86_400_000;

/** The queue job that runs the missed-work steps at an exact moment (defined in `homework.jobs.ts`). */
export const HOMEWORK_DUE: ScheduledJobRef<{ homeworkId: string }> = { name: 'homework-due' };

/**
 * Runs the missed-work steps at the due moment and when the backlog ends, for the homework (key = id)
 * or one student's extension (key = id:studentId). Scheduling again moves the runs. The periodic
 * sweep stays as the safety net, so a failed schedule only makes the step a little later.
 */
export async function scheduleDueMoments(scheduler: Scheduler, homeworkId: string, dueAt: Date, studentId?: string): Promise<void> {
  const key = studentId ? `${homeworkId}:${studentId}` : homeworkId;
  const backlogEnd = new Date(dueAt.getTime() + LIMITS.homework.backlogDays * DAY_MS);
  await scheduler.schedule(HOMEWORK_DUE, key, dueAt, { homeworkId });
  await scheduler.schedule(HOMEWORK_DUE, `${key}:backlog`, backlogEnd, { homeworkId });
}
