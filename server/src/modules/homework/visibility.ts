import { LIMITS } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import type { HomeworkRow } from './homework.repository.js';
import type { StandingRow } from './standing.repository.js';

const DAY_MS = 86_400_000;

/** Whether a student may see scores (and per-answer feedback) now; the key itself is never shown. */
export function resultsVisible(row: HomeworkRow, studentDueAt: Date | null, now: Date): boolean {
  if (row.releaseResults === 'immediately') return true;
  if (row.releaseResults === 'manual') return row.resultsReleasedAt !== null;
  const due = Math.max(row.dueAt?.getTime() ?? Infinity, studentDueAt?.getTime() ?? 0);
  return row.resultsReleasedAt !== null || now.getTime() >= due;
}

/**
 * May the student work on it now, and is it late? Open from `opensAt` to their due time; then in the
 * backlog (late) for `backlogDays` unless closed. Refuses drafts and closed homework.
 */
export function submissionWindow(row: HomeworkRow, standing: StandingRow, now: Date): { late: boolean } {
  if (row.status !== 'published') throw new AppError('homework/not-open', 'This homework is not open');
  if (row.opensAt && now < row.opensAt) throw new AppError('homework/not-open', 'This homework is not open yet');
  const due = standing.dueAt ?? row.dueAt;
  if (!due || now <= due) return { late: false };
  const backlogEnd = standing.backlogUntil ?? new Date(due.getTime() + LIMITS.homework.backlogDays * DAY_MS);
  if (standing.closedAt || now > backlogEnd) throw new AppError('homework/not-open', 'The backlog time for this homework is over');
  return { late: true };
}
