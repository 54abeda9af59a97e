import { randomUUID } from 'node:crypto';
import type { Orm } from '../../infra/db.js';

export interface AuditRecord {
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  lessonId: string | null;
  accountId: string | null;
  ip: string | null;
  outcome: 'ok' | 'error';
  detail: Record<string, unknown>;
}

export interface AuditRow extends AuditRecord {
  id: string;
  actorName: string | null;
}

export interface AuditFilter {
  actorId?: string;
  accountId?: string;
  action?: string;
  outcome?: 'ok' | 'error';
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** The only code touching `audit_log`. Raw SQL: it is an append-only log read with filters. */
export class AuditRepository {
  constructor(private readonly orm: Orm) {}

  async insert(records: AuditRecord[]): Promise<void> {
    if (!records.length) return;
    const values: unknown[] = [];
    const tuples = records.map((r) => {
      values.push(randomUUID(), r.at, r.actorId, r.actorRole, r.action, r.lessonId, r.accountId, r.ip, r.outcome, JSON.stringify(r.detail));
      return '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)';
    });
    await this.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into audit_log (id, at, actor_id, actor_role, action, lesson_id, account_id, ip, outcome, detail) values ${tuples.join(', ')}`,
        values,
        'run',
      );
  }

  async list(filter: AuditFilter): Promise<{ items: AuditRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (filter.actorId) add('a.actor_id = ?', filter.actorId);
    if (filter.accountId) add('a.account_id = ?', filter.accountId);
    if (filter.action) add('a.action = ?', filter.action);
    if (filter.outcome) add('a.outcome = ?', filter.outcome);
    if (filter.from) add('a.at >= ?', filter.from);
    if (filter.to) add('a.at < ?', filter.to);
    const clause = where.length ? `where ${where.join(' and ')}` : '';
    const connection = this.orm.em.fork().getConnection();
    const [rows, counted] = await Promise.all([
      connection.execute<Array<Record<string, unknown>>>(
        `select a.*, case when u.id is null then null else u.first_name || ' ' || u.last_name end as actor_name
           from audit_log a left join users u on u.id = a.actor_id
           ${clause} order by a.at desc, a.id limit ? offset ?`,
        [...params, filter.limit, filter.offset],
      ),
      connection.execute<Array<{ total: string }>>(`select count(*) as total from audit_log a ${clause}`, params),
    ]);
    return {
      total: Number(counted[0]?.total ?? 0),
      items: rows.map((row) => ({
        id: String(row.id),
        at: new Date(row.at as string),
        actorId: (row.actor_id as string | null) ?? null,
        actorName: (row.actor_name as string | null) ?? null,
        actorRole: (row.actor_role as string | null) ?? null,
        action: String(row.action),
        lessonId: (row.lesson_id as string | null) ?? null,
        accountId: (row.account_id as string | null) ?? null,
        ip: (row.ip as string | null) ?? null,
        outcome: row.outcome as 'ok' | 'error',
        detail: (row.detail as Record<string, unknown>) ?? {},
      })),
    };
  }
}
