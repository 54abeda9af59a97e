import { Migration } from '@mikro-orm/migrations';
import PgBoss from 'pg-boss';

/** The schema pg-boss keeps its queues in; the queue module and its admin queries use the same name. */
export const QUEUE_SCHEMA = 'pgboss';

/**
 * The durable job queue (pg-boss tables in their own schema, so a fresh database is ready without a
 * first-start install), the ledger of sent mail (a retried delivery job never mails twice) and the
 * state of each periodic duty (who runs it now, when it last succeeded).
 */
export class Migration20261202000008_job_queue extends Migration {
  override async up(): Promise<void> {
    // pg-boss wraps its plan in its own BEGIN/COMMIT; the migration already runs in a transaction.
    const plan = PgBoss.getConstructionPlans(QUEUE_SCHEMA)
      .replace(/^\s*BEGIN;/, '')
      .replace(/COMMIT;\s*$/, '');
    this.addSql(plan);
    this.addSql(`
      create table mail_deliveries (
        job_id uuid primary key,
        recipient varchar(320) not null,
        subject text not null,
        sent_at timestamptz not null default now()
      );`);
    this.addSql(`create index mail_deliveries_sent_at_index on mail_deliveries (sent_at);`);
    this.addSql(`
      create table background_duties (
        name varchar(64) primary key,
        interval_ms integer not null,
        registered_at timestamptz not null default now(),
        running_by varchar(128),
        running_until timestamptz,
        last_started_at timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        last_error text,
        consecutive_failures integer not null default 0
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table background_duties;`);
    this.addSql(`drop table mail_deliveries;`);
    this.addSql(`drop schema ${QUEUE_SCHEMA} cascade;`);
  }
}
