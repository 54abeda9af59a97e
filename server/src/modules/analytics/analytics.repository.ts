import type { Orm } from '../../infra/db.js';

export interface Span {
  start: number;
  end: number;
}

/** Read-only SQL over lease history for the admin's charts and the forecast. */
export class AnalyticsRepository {
  constructor(private readonly orm: Orm) {}

  /** Slots of active accounts: what the pool can serve at once. */
  async capacity(): Promise<number> {
    const [row] = await this.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ capacity: number }>>(`select coalesce(sum(capacity), 0)::int as capacity from meeting_accounts where active`);
    return Number(row?.capacity ?? 0);
  }

  /** Lease intervals overlapping [from, to), in epoch ms; a lease still held ends at `now`. */
  async leaseSpans(from: Date, to: Date, now: Date): Promise<Span[]> {
    const rows = await this.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ s: Date; e: Date }>>(
        `select acquired_at as s, coalesce(released_at, ?::timestamptz) as e
           from meeting_leases
          where acquired_at < ? and coalesce(released_at, ?::timestamptz) > ?
          order by acquired_at`,
        [now, to, now, from],
      );
    return rows.map((r) => ({ start: new Date(r.s).getTime(), end: new Date(r.e).getTime() }));
  }
}
