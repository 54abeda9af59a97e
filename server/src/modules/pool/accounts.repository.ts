import { randomUUID } from 'node:crypto';
import type { ProviderName, ReleaseReason } from '@tp/shared';
import type { Orm } from '../../infra/db.js';
import { uuidArray } from './pool.repository.js';

export interface AccountRow {
  id: string;
  provider: ProviderName;
  label: string;
  email: string;
  providerUserId: string | null;
  capacity: number;
  active: boolean;
  hasCredentials: boolean;
  lastUsedAt: Date | null;
  pausedUntil: Date | null;
}

export interface LiveLeaseRow {
  leaseId: string;
  slot: number;
  lessonId: string;
  lessonTitle: string;
  groupId: string;
  groupName: string;
  teacherId: string;
  teacherName: string;
  since: Date;
}

export interface AccountState extends AccountRow {
  leases: LiveLeaseRow[];
}

export interface PoolStats {
  total: number;
  active: number;
  available: number;
  inUse: number;
}

export interface LeaseRow {
  id: string;
  accountId: string;
  accountLabel: string;
  slot: number;
  lessonId: string;
  lessonTitle: string;
  teacherId: string;
  teacherName: string;
  acquiredAt: Date;
  releasedAt: Date | null;
  releaseReason: ReleaseReason | null;
  meetingId: string | null;
}

export interface NewAccount {
  provider: ProviderName;
  label: string;
  email: string;
  providerUserId: string | null;
  capacity: number;
  credentialsSealed: string | null;
  createdAt: Date;
}

export type AccountPatch = Partial<Pick<NewAccount, 'label' | 'email' | 'providerUserId' | 'capacity' | 'credentialsSealed'>> & { active?: boolean; pausedUntil?: Date | null };

type Row = Record<string, unknown>;
const date = (value: unknown) => (value == null ? null : value instanceof Date ? value : new Date(String(value)));
const ACCOUNT_COLUMNS = `a.id, a.provider, a.label, a.email, a.provider_user_id, a.capacity, a.active,
  a.credentials_sealed is not null as has_credentials, a.last_used_at, a.paused_until`;

/** Meeting accounts for the admin side: CRUD, live state, stats, lease history. */
export class AccountsRepository {
  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.orm.em.fork().getConnection().execute<Row[]>(sql, params);
  }

  /** Accounts (all, or the given ones) with their active leases. */
  async states(ids?: string[]): Promise<AccountState[]> {
    if (ids && ids.length === 0) return [];
    // The ids go as one array literal: the query formatter renders a one-element array as a bare value.
    const filter = ids ? `where a.id = any(?::uuid[])` : '';
    const rows = await this.run(
      `select ${ACCOUNT_COLUMNS}, ml.id as lease_id, ml.slot, ml.lesson_id, l.title as lesson_title, l.group_id,
              g.name as group_name, ml.teacher_id, u.first_name || ' ' || u.last_name as teacher_name, ml.acquired_at
         from meeting_accounts a
         left join meeting_leases ml on ml.account_id = a.id and ml.released_at is null
         left join lessons l on l.id = ml.lesson_id
         left join groups g on g.id = l.group_id
         left join users u on u.id = ml.teacher_id
         ${filter}
        order by a.label, a.id, ml.slot`,
      ids ? [uuidArray(ids)] : [],
    );
    const byId = new Map<string, AccountState>();
    for (const row of rows) {
      const id = String(row.id);
      let state = byId.get(id);
      if (!state) byId.set(id, (state = { ...toAccount(row), leases: [] }));
      if (row.lease_id) {
        state.leases.push({
          leaseId: String(row.lease_id),
          slot: Number(row.slot),
          lessonId: String(row.lesson_id),
          lessonTitle: String(row.lesson_title),
          groupId: String(row.group_id),
          groupName: String(row.group_name),
          teacherId: String(row.teacher_id),
          teacherName: String(row.teacher_name),
          since: date(row.acquired_at)!,
        });
      }
    }
    return [...byId.values()];
  }

  /**
   * total = accounts; active = active accounts; inUse = active leases (slots in use, on any account,
   * including a deactivated one finishing its lesson); available = free slots on active accounts
   * that are not paused at `now`.
   */
  async stats(now: Date): Promise<PoolStats> {
    const rows = await this.run(
      `select count(*) as total, count(*) filter (where active) as active,
              coalesce(sum(greatest(capacity - used, 0)) filter (where active and (paused_until is null or paused_until <= ?::timestamptz)), 0) as available,
              coalesce(sum(used), 0) as in_use
         from (select a.active, a.capacity, a.paused_until,
                      (select count(*) from meeting_leases ml where ml.account_id = a.id and ml.released_at is null) as used
                 from meeting_accounts a) x`,
      [now],
    );
    const row = rows[0] ?? {};
    return { total: Number(row.total ?? 0), active: Number(row.active ?? 0), available: Number(row.available ?? 0), inUse: Number(row.in_use ?? 0) };
  }

  async find(id: string): Promise<(AccountRow & { credentialsSealed: string | null }) | null> {
    const rows = await this.run(`select ${ACCOUNT_COLUMNS}, a.credentials_sealed from meeting_accounts a where a.id = ?`, [id]);
    return rows[0] ? { ...toAccount(rows[0]), credentialsSealed: (rows[0].credentials_sealed as string | null) ?? null } : null;
  }

  async create(account: NewAccount): Promise<string> {
    const id = randomUUID();
    await this.run(
      `insert into meeting_accounts (id, provider, label, email, provider_user_id, capacity, credentials_sealed, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, account.provider, account.label, account.email, account.providerUserId, account.capacity, account.credentialsSealed, account.createdAt],
    );
    return id;
  }

  /** False when the account does not exist. A capacity below an occupied slot fails the fence (23514). */
  async update(id: string, patch: AccountPatch): Promise<boolean> {
    const columns: Record<string, unknown> = {
      label: patch.label,
      email: patch.email,
      provider_user_id: patch.providerUserId,
      capacity: patch.capacity,
      credentials_sealed: patch.credentialsSealed,
      active: patch.active,
      paused_until: patch.pausedUntil,
    };
    const set = Object.entries(columns).filter(([, value]) => value !== undefined);
    if (!set.length) return (await this.run(`select 1 from meeting_accounts where id = ?`, [id])).length > 0;
    const rows = await this.run(
      `update meeting_accounts set ${set.map(([column]) => `${column} = ?`).join(', ')} where id = ? returning id`,
      [...set.map(([, value]) => value), id],
    );
    return rows.length > 0;
  }

  /** Clears the pauses over at `now`; answers the accounts that came back. */
  async endPauses(now: Date): Promise<string[]> {
    const rows = await this.run(`update meeting_accounts set paused_until = null where paused_until <= ? returning id`, [now]);
    return rows.map((row) => String(row.id));
  }

  /** Deletes an account that never served a lesson; otherwise deactivates it. Null = not found. */
  async remove(id: string): Promise<'deleted' | 'deactivated' | null> {
    const deleted = await this.run(
      `delete from meeting_accounts a where a.id = ?
         and not exists (select 1 from meeting_leases ml where ml.account_id = a.id)
         and not exists (select 1 from lessons l where l.meeting_account_id = a.id)
       returning a.id`,
      [id],
    );
    if (deleted.length) return 'deleted';
    return (await this.update(id, { active: false })) ? 'deactivated' : null;
  }

  async leases(filter: { active?: boolean; limit: number; offset: number }): Promise<{ items: LeaseRow[]; total: number }> {
    const where = filter.active === undefined ? '' : filter.active ? 'where ml.released_at is null' : 'where ml.released_at is not null';
    const [rows, counted] = await Promise.all([
      this.run(
        `select ml.*, a.label as account_label, l.title as lesson_title, u.first_name || ' ' || u.last_name as teacher_name
           from meeting_leases ml
           join meeting_accounts a on a.id = ml.account_id
           join lessons l on l.id = ml.lesson_id
           join users u on u.id = ml.teacher_id
           ${where} order by ml.acquired_at desc, ml.id limit ? offset ?`,
        [filter.limit, filter.offset],
      ),
      this.run(`select count(*) as total from meeting_leases ml ${where}`),
    ]);
    return {
      total: Number(counted[0]?.total ?? 0),
      items: rows.map((row) => ({
        id: String(row.id),
        accountId: String(row.account_id),
        accountLabel: String(row.account_label),
        slot: Number(row.slot),
        lessonId: String(row.lesson_id),
        lessonTitle: String(row.lesson_title),
        teacherId: String(row.teacher_id),
        teacherName: String(row.teacher_name),
        acquiredAt: date(row.acquired_at)!,
        releasedAt: date(row.released_at),
        releaseReason: (row.release_reason as ReleaseReason | null) ?? null,
        meetingId: (row.meeting_id as string | null) ?? null,
      })),
    };
  }
}

function toAccount(row: Row): AccountRow {
  return {
    id: String(row.id),
    provider: row.provider as ProviderName,
    label: String(row.label),
    email: String(row.email),
    providerUserId: (row.provider_user_id as string | null) ?? null,
    capacity: Number(row.capacity),
    active: Boolean(row.active),
    hasCredentials: Boolean(row.has_credentials),
    lastUsedAt: date(row.last_used_at),
    pausedUntil: date(row.paused_until),
  };
}
