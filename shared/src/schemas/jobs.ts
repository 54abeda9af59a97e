/** The admin's view of the background queue (`GET /api/admin/jobs`). */
export interface QueueDepth {
  queue: string;
  /** Due now or scheduled for later, not yet started. */
  waiting: number;
  /** Failed at least once, waiting for the next attempt. */
  retrying: number;
  active: number;
  /** Out of attempts: needs an admin. */
  failed: number;
  completedLastDay: number;
  /** How long the oldest due job has waited, in seconds (0: nothing is late). */
  oldestDueSeconds: number;
}

export interface FailedJob {
  id: string;
  queue: string;
  /** What the job was about (a mail's recipient and subject, a scheduled job's key). */
  summary: string | null;
  attempts: number;
  lastError: string | null;
  failedAt: string | null;
  createdAt: string;
}

export interface DutyHealth {
  name: string;
  intervalMs: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  running: boolean;
  /** No success for several intervals: the duty has stopped working. */
  overdue: boolean;
}

export interface JobsOverview {
  queues: QueueDepth[];
  failed: FailedJob[];
  duties: DutyHealth[];
}
