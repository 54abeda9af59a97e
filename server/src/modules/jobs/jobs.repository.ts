import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../infra/db.js';
import { QUEUE_SCHEMA } from './job-queue.js';

type Row = Record<string, unknown>;

export interface QueueCountRow {
  queue: string;
  waiting: number;
  retrying: number;
  active: number;
  failed: number;
  completedLastDay: number;
  /** Seconds the oldest due, unstarted job has waited; 0 when none. */
  oldestDueSeconds: number;
}

export interface FailedJobRow {
  id: string;
  queue: string;
  summary: string | null;
  attempts: number;
  lastError: string | null;
  failedAt: Date | null;
  createdAt: Date;
}

export interface DutyRow {
  name: string;
  intervalMs: number;
  registeredAt: Date;
  runningBy: string | null;
  runningUntil: Date | null;
  lastStartedAt: Date | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** The database's time when the row was read: the clock every duty timestamp was written with. */
  observedAt: Date;
}

const job = `${QUEUE_SCHEMA}.job`;

/** The SQL of the jobs module: pg-boss's own tables (read-only here), the mail ledger and the duties. */
export class JobsRepository {
  constructor(private readonly orm: Orm) {}

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return (this.orm.em.fork() as EntityManager).transactional((em) => fn(em as EntityManager));
  }

  private run(em: EntityManager | undefined, sql: string, params: unknown[] = []): Promise<Row[]> {
    const target = em ?? (this.orm.em.fork() as EntityManager);
    return target.getConnection().execute(sql, params, 'all', target.getTransactionContext());
  }

  /** The not-yet-started runs of `name` under `key`, locked until the transaction ends. */
  async waitingJobIds(em: EntityManager, name: string, key: string): Promise<string[]> {
    const rows = await this.run(em, `select id from ${job} where name = ? and singleton_key = ? and state < 'active' for update`, [name, key]);
    return rows.map((row) => row.id as string);
  }

  /** The database's clock plus `ms`: pg-boss compares start times with the database's now(). */
  async databaseNowPlus(em: EntityManager | undefined, ms: number): Promise<Date> {
    const [row] = await this.run(em, `select now() + (?::double precision * interval '1 millisecond') as at`, [ms]);
    return new Date(row!.at as string | Date);
  }

  async waitingRunDelay(name: string, key: string): Promise<number | null> {
    const [row] = await this.run(
      undefined,
      `select extract(epoch from (start_after - now())) * 1000 as ms from ${job} where name = ? and singleton_key = ? and state < 'active' order by start_after desc limit 1`,
      [name, key],
    );
    return row ? Math.max(0, Number(row.ms)) : null;
  }

  /** Records a mail as sent; false when it already was (a retried delivery job). Holds a row lock until commit. */
  async claimMailDelivery(em: EntityManager, jobId: string, recipient: string, subject: string): Promise<boolean> {
    const rows = await this.run(
      em,
      `insert into mail_deliveries (job_id, recipient, subject) values (?, ?, ?) on conflict (job_id) do nothing returning job_id`,
      [jobId, recipient, subject],
    );
    return rows.length > 0;
  }

  /** The job's coming failure will be its last (no attempts left); outside any transaction, so a rollback keeps it. */
  async exhaustRetries(queue: string, jobId: string): Promise<void> {
    await this.run(undefined, `update ${job} set retry_limit = retry_count where name = ? and id = ?`, [queue, jobId]);
  }

  async pruneMailDeliveries(olderThanDays: number): Promise<number> {
    const rows = await this.run(undefined, `delete from mail_deliveries where sent_at < now() - (? * interval '1 day') returning job_id`, [olderThanDays]);
    return rows.length;
  }

  /** Every queue pg-boss knows (those of other processes too) with its jobs by state. */
  async queueCounts(): Promise<QueueCountRow[]> {
    const rows = await this.run(
      undefined,
      `select q.name as queue,
              count(j.id) filter (where j.state = 'created') as waiting,
              count(j.id) filter (where j.state = 'retry') as retrying,
              count(j.id) filter (where j.state = 'active') as active,
              count(j.id) filter (where j.state = 'failed') as failed,
              count(j.id) filter (where j.state = 'completed' and j.completed_on > now() - interval '1 day') as completed_last_day,
              coalesce(extract(epoch from now() - min(j.start_after) filter (where j.state < 'active' and j.start_after <= now())), 0) as oldest_due
         from ${QUEUE_SCHEMA}.queue q
         left join ${job} j on j.name = q.name
        group by q.name
        order by q.name`,
    );
    return rows.map((row) => ({
      queue: row.queue as string,
      waiting: Number(row.waiting),
      retrying: Number(row.retrying),
      active: Number(row.active),
      failed: Number(row.failed),
      completedLastDay: Number(row.completed_last_day),
      oldestDueSeconds: Math.round(Number(row.oldest_due)),
    }));
  }

  async failedJobs(limit: number): Promise<FailedJobRow[]> {
    const rows = await this.run(
      undefined,
      `select id, name, coalesce(data->>'summary', singleton_key) as summary, retry_count, output, completed_on, created_on
         from ${job} where state = 'failed' order by completed_on desc nulls last limit ?`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id as string,
      queue: row.name as string,
      summary: (row.summary as string | null) ?? null,
      attempts: Number(row.retry_count) + 1,
      lastError: errorMessage(row.output),
      failedAt: row.completed_on ? new Date(row.completed_on as string) : null,
      createdAt: new Date(row.created_on as string),
    }));
  }

  async failedJobQueue(id: string): Promise<string | null> {
    const [row] = await this.run(undefined, `select name from ${job} where id = ? and state = 'failed'`, [id]);
    return (row?.name as string | undefined) ?? null;
  }

  /** Makes the duty known (so a duty that never succeeds shows up as overdue). */
  async registerDuty(name: string, intervalMs: number): Promise<void> {
    await this.run(
      undefined,
      `insert into background_duties (name, interval_ms) values (?, ?) on conflict (name) do update set interval_ms = excluded.interval_ms`,
      [name, intervalMs],
    );
  }

  /** Takes the duty's lease unless another runner holds a live one; true when taken. */
  async claimDuty(name: string, runner: string, leaseMs: number): Promise<boolean> {
    const rows = await this.run(
      undefined,
      `update background_duties set running_by = ?, running_until = now() + (? * interval '1 millisecond'), last_started_at = now()
        where name = ? and (running_until is null or running_until < now()) returning name`,
      [runner, leaseMs, name],
    );
    return rows.length > 0;
  }

  async finishDuty(name: string, runner: string, error: string | null): Promise<void> {
    await this.run(
      undefined,
      error === null
        ? `update background_duties set running_by = null, running_until = null, last_success_at = now(), consecutive_failures = 0 where name = ? and running_by = ?`
        : `update background_duties set running_by = null, running_until = null, last_failure_at = now(), last_error = ?, consecutive_failures = consecutive_failures + 1 where name = ? and running_by = ?`,
      error === null ? [name, runner] : [error.slice(0, 2000), name, runner],
    );
  }

  async duties(): Promise<DutyRow[]> {
    const rows = await this.run(undefined, `select *, now() as observed_at from background_duties order by name`);
    const date = (value: unknown) => (value ? new Date(value as string) : null);
    return rows.map((row) => ({
      name: row.name as string,
      intervalMs: Number(row.interval_ms),
      registeredAt: new Date(row.registered_at as string),
      runningBy: (row.running_by as string | null) ?? null,
      runningUntil: date(row.running_until),
      lastStartedAt: date(row.last_started_at),
      lastSuccessAt: date(row.last_success_at),
      lastFailureAt: date(row.last_failure_at),
      lastError: (row.last_error as string | null) ?? null,
      consecutiveFailures: Number(row.consecutive_failures),
      observedAt: new Date(row.observed_at as string),
    }));
  }
}

/** pg-boss stores a thrown error as `{ value: { message, … } }` or the error object itself. */
function errorMessage(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null;
  const value = (output as { value?: unknown }).value ?? output;
  if (value && typeof value === 'object' && 'message' in value) return String((value as { message: unknown }).message).slice(0, 500);
  return typeof value === 'string' ? value.slice(0, 500) : null;
}
