import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../infra/logger.js';
import type { DutyRow, JobsRepository } from './jobs.repository.js';

/** A duty is overdue when it has not succeeded for this many intervals (plus a minute of slack). */
const OVERDUE_INTERVALS = 3;
const OVERDUE_SLACK_MS = 60_000;
/** A run holding its lease past this long is taken over: its process is presumed dead. */
const MIN_LEASE_MS = 5 * 60_000;

export interface DutyStatus {
  name: string;
  intervalMs: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  running: boolean;
  overdue: boolean;
}

/**
 * Periodic duties (the release sweep, pruning, reminders) under a lease in PostgreSQL: one run at a
 * time across every process, and each outcome recorded, so a duty that stops succeeding shows.
 */
export class Duties {
  /** Identifies this process's runs in the lease column. */
  private readonly runner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly repo: JobsRepository,
    private readonly logger: Logger,
  ) {}

  register(name: string, intervalMs: number): Promise<void> {
    return this.repo.registerDuty(name, intervalMs);
  }

  /** Runs `fn` unless another process is running this duty; returns whether it ran. */
  async runOnce(name: string, intervalMs: number, fn: () => Promise<void>): Promise<boolean> {
    if (!(await this.repo.claimDuty(name, this.runner, Math.max(MIN_LEASE_MS, 2 * intervalMs)))) return false;
    try {
      await fn();
    } catch (error) {
      this.logger.error({ err: error, duty: name }, 'duty failed');
      await this.repo.finishDuty(name, this.runner, error instanceof Error ? error.message : String(error));
      return true;
    }
    await this.repo.finishDuty(name, this.runner, null);
    return true;
  }

  /** Judged by the database's clock, which wrote every lease and success time (never mixed with this process's). */
  async status(): Promise<DutyStatus[]> {
    return (await this.repo.duties()).map((row) => dutyStatus(row, row.observedAt));
  }
}

function dutyStatus(row: DutyRow, now: Date): DutyStatus {
  const since = (row.lastSuccessAt ?? row.registeredAt).getTime();
  return {
    name: row.name,
    intervalMs: row.intervalMs,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    lastFailureAt: row.lastFailureAt?.toISOString() ?? null,
    lastError: row.lastError,
    running: row.runningUntil !== null && row.runningUntil > now,
    overdue: now.getTime() - since > OVERDUE_INTERVALS * row.intervalMs + OVERDUE_SLACK_MS,
  };
}
