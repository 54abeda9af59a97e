import { randomUUID } from 'node:crypto';
import type { ProviderName, ReleaseReason } from '@tp/shared';
import type { Orm } from '../../infra/db.js';
import { RESERVE_BATCH_SQL, toReserveOutcome } from './reserve.sql.js';
import { ATTACH_BATCH_SQL, RELEASE_BATCH_SQL } from './batch.sql.js';
import { MicroBatcher } from '../../infra/micro-batcher.js';

/** A lesson as the pool sees it: schedule fields plus the meeting columns the pool owns. */
export interface PoolLesson {
  id: string;
  groupId: string;
  groupName: string;
  teacherId: string;
  title: string;
  startAt: Date;
  endAt: Date;
  status: 'scheduled' | 'live' | 'completed' | 'cancelled';
  meetingProvider: ProviderName | null;
  meetingAccountId: string | null;
  meetingId: string | null;
  joinUrl: string | null;
  startUrl: string | null;
  startUrlIssuedAt: Date | null;
  password: string | null;
  startedAt: Date | null;
  /** The lesson's active lease, if any. */
  leaseId: string | null;
  leaseAccountId: string | null;
  leaseMeetingId: string | null;
  /** The account serving the lesson (its lease's, else the one it last ran on). */
  account: { id: string; label: string; email: string; credentialsSealed: string | null } | null;
}

export interface Reservation {
  leaseId: string;
  accountId: string;
  slot: number;
  provider: ProviderName;
  label: string;
  email: string;
  credentialsSealed: string | null;
}

export interface ReleasedLease {
  leaseId: string;
  lessonId: string;
  accountId: string;
  teacherId: string;
  meetingId: string | null;
  /** The lesson went live → completed with this release. */
  lessonCompleted: boolean;
}

export interface MeetingFields {
  provider: ProviderName;
  meetingId: string;
  uuid: string | null;
  joinUrl: string;
  startUrl: string;
  password: string | null;
}

export interface ReserveRequest {
  lessonId: string;
  teacherId: string;
}

/** What a start needs of the lesson, read by the reservation itself. */
export type LessonBrief = Pick<PoolLesson, 'id' | 'groupId' | 'groupName' | 'teacherId' | 'title' | 'startAt' | 'endAt'>;

export type ReserveOutcome =
  | { kind: 'reserved'; reservation: Reservation; lesson: LessonBrief }
  /** Startable, but every slot is taken. */
  | { kind: 'exhausted' }
  /** Not this teacher's, not scheduled, outside the window, or already holding a lease: look closer. */
  | { kind: 'ineligible' }
  | { kind: 'conflict' };

type Row = Record<string, unknown>;
/** A uuid[] literal: knex would spread a JS array binding into a list. Ids are validated uuids. */
export const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;
const date = (value: unknown) => (value == null ? null : value instanceof Date ? value : new Date(String(value)));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const LESSON_SELECT = `
  select l.id, l.group_id, g.name as group_name, l.teacher_id, l.title, l.start_at, l.end_at, l.status,
         l.meeting_provider, l.meeting_account_id, l.meeting_id, l.join_url, l.start_url, l.start_url_issued_at,
         l.meeting_password, l.started_at, ml.id as lease_id, ml.account_id as lease_account_id, ml.meeting_id as lease_meeting_id,
         ma.id as account_id, ma.label as account_label, ma.email as account_email, ma.credentials_sealed
    from lessons l
    join groups g on g.id = l.group_id
    left join meeting_leases ml on ml.lesson_id = l.id and ml.released_at is null
    left join meeting_accounts ma on ma.id = coalesce(ml.account_id, l.meeting_account_id)`;

/**
 * The pool's SQL over leases and the lessons' meeting columns. Every write that decides occupancy is a
 * single statement, so it is one transaction and one round trip; the constraints are the fence.
 */
export class PoolRepository {
  /** Lesson reads, meeting attachments and lease releases of concurrent callers share statements. */
  private readonly lessonReads = new MicroBatcher<string, PoolLesson | null>((ids) => this.findLessons(ids), { maxInFlight: 2 });
  private readonly attaches = new MicroBatcher<{ leaseId: string; meeting: MeetingFields; now: Date }, boolean>((inputs) => this.attachMany(inputs));
  private readonly releases = new MicroBatcher<{ leaseId: string; reason: ReleaseReason; now: Date }, ReleasedLease | null>((inputs) => this.releaseMany(inputs));

  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.orm.em.fork().getConnection().execute<Row[]>(sql, params);
  }

  async findLesson(lessonId: string): Promise<PoolLesson | null> {
    return UUID.test(lessonId) ? this.lessonReads.submit(lessonId) : null;
  }

  private async findLessons(ids: string[]): Promise<Array<PoolLesson | null>> {
    const rows = await this.run(`${LESSON_SELECT} where l.id = any(?::uuid[])`, [uuidArray(ids)]);
    const byId = new Map(rows.map((row) => [String(row.id), toLesson(row)]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  /** The lesson of a meeting: its current one, else (a lesson restarted since) one of its earlier ones. */
  async findLessonByMeeting(provider: ProviderName, meetingId: string): Promise<PoolLesson | null> {
    const rows = await this.run(
      `${LESSON_SELECT} where l.meeting_provider = ? and l.meeting_id = ? order by l.start_at desc limit 1`,
      [provider, meetingId],
    );
    if (rows[0]) return toLesson(rows[0]);
    const earlier = await this.run(
      `select ml.lesson_id from meeting_leases ml join meeting_accounts ma on ma.id = ml.account_id
        where ml.meeting_id = ? and ma.provider = ? order by ml.acquired_at desc limit 1`,
      [meetingId, provider],
    );
    return earlier[0] ? this.findLesson(String(earlier[0].lesson_id)) : null;
  }

  /** The stored lesson of a rule's occurrence, if it was materialised. */
  async findOccurrenceId(ruleId: string, date: string): Promise<string | null> {
    const rows = await this.run(`select id from lessons where rule_id = ? and occurrence_date = ?`, [ruleId, date]);
    return rows[0] ? String(rows[0].id) : null;
  }

  async isGroupMember(groupId: string, userId: string): Promise<boolean> {
    const rows = await this.run(`select 1 from group_members where group_id = ? and student_id = ?`, [groupId, userId]);
    return rows.length > 0;
  }

  /**
   * Reserves slots for a batch of lessons in ONE statement (one transaction): locks the active accounts
   * that have a free slot (SKIP LOCKED, so a concurrent batch elsewhere takes other accounts instead of
   * queueing), hands each request its teacher's last account when that one is free, then the least
   * recently used free slots, inserts the leases and stamps last_used_at. The fence constraints make a
   * stale read harmless: a conflicting insert is skipped and reported, never committed.
   */
  async reserveMany(requests: ReserveRequest[], now: Date, leadMinutes: number): Promise<ReserveOutcome[]> {
    if (!requests.length) return [];
    const leaseIds = requests.map(() => randomUUID());
    const rows = await this.run(
      RESERVE_BATCH_SQL,
      [uuidArray(requests.map((r) => r.lessonId)), uuidArray(requests.map((r) => r.teacherId)), uuidArray(leaseIds), leadMinutes, now, now, now, now, now],
    );
    return rows.map(toReserveOutcome);
  }

  /** One reservation (null = nothing free or a conflict). */
  async reserve(lessonId: string, teacherId: string, now: Date, leadMinutes = 15): Promise<Reservation | null> {
    const [outcome] = await this.reserveMany([{ lessonId, teacherId }], now, leadMinutes);
    return outcome?.kind === 'reserved' ? outcome.reservation : null;
  }


  /** Stores the provider's meeting on the lease and the lesson, which goes live. False = the lease is gone. */
  attachMeeting(leaseId: string, meeting: MeetingFields, now: Date): Promise<boolean> {
    return this.attaches.submit({ leaseId, meeting, now });
  }

  private async attachMany(inputs: Array<{ leaseId: string; meeting: MeetingFields; now: Date }>): Promise<boolean[]> {
    const rows = await this.run(ATTACH_BATCH_SQL, [
      JSON.stringify(
        inputs.map(({ leaseId, meeting: m, now }, ord) => ({
          ord, lease_id: leaseId, provider: m.provider, meeting_id: m.meetingId, uuid: m.uuid, join_url: m.joinUrl, start_url: m.startUrl, password: m.password, at: now,
        })),
      ),
    ]);
    const stored = new Set(rows.map((row) => Number(row.ord)));
    return inputs.map((_, ord) => stored.has(ord));
  }

  async storeStartUrl(lessonId: string, startUrl: string, now: Date): Promise<void> {
    await this.run(`update lessons set start_url = ?, start_url_issued_at = ? where id = ?`, [startUrl, now, lessonId]);
  }

  /**
   * Closes the lease once (a second caller gets null). A provisioned lease ends its live lesson, unless
   * the release is a provisioning failure; an unprovisioned one leaves the lesson startable.
   */
  releaseLease(leaseId: string, reason: ReleaseReason, now: Date): Promise<ReleasedLease | null> {
    return this.releases.submit({ leaseId, reason, now });
  }

  private async releaseMany(inputs: Array<{ leaseId: string; reason: ReleaseReason; now: Date }>): Promise<Array<ReleasedLease | null>> {
    const rows = await this.run(RELEASE_BATCH_SQL, [JSON.stringify(inputs.map(({ leaseId, reason, now }, ord) => ({ ord, lease_id: leaseId, reason, at: now })))]);
    const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
    return inputs.map((_, ord) => {
      const row = byOrd.get(ord);
      if (!row) return null;
      return {
        leaseId: String(row.id),
        lessonId: String(row.lesson_id),
        accountId: String(row.account_id),
        teacherId: String(row.teacher_id),
        meetingId: (row.meeting_id as string | null) ?? null,
        lessonCompleted: Boolean(row.completed),
      };
    });
  }

  /** A live lesson with no active lease (drift, or a late end): completed. True when it changed. */
  async completeLessonWithoutLease(lessonId: string, now: Date): Promise<boolean> {
    const rows = await this.run(
      `update lessons l set status = 'completed', ended_at = ?, updated_at = ?
        where l.id = ? and l.status = 'live'
          and not exists (select 1 from meeting_leases ml where ml.lesson_id = l.id and ml.released_at is null)
        returning l.id`,
      [now, now, lessonId],
    );
    return rows.length > 0;
  }

  /**
   * A lesson ended by mistake runs again: completed → scheduled while its time lasts and nothing holds a
   * room for it. The start that follows reserves a room as for any lesson, under the same fence.
   */
  async reopenLesson(lessonId: string, teacherId: string, now: Date): Promise<boolean> {
    const rows = await this.run(
      `update lessons l set status = 'scheduled', ended_at = null, updated_at = ?
        where l.id = ? and l.teacher_id = ? and l.status = 'completed' and l.end_at > ?
          and not exists (select 1 from meeting_leases ml where ml.lesson_id = l.id and ml.released_at is null)
        returning l.id`,
      [now, lessonId, teacherId, now],
    );
    return rows.length > 0;
  }

  /** The name a teacher is shown for the admin who released their lesson. */
  async userName(userId: string): Promise<string> {
    const rows = await this.run(`select first_name, last_name from users where id = ?`, [userId]);
    return rows[0] ? `${String(rows[0].first_name)} ${String(rows[0].last_name)}`.trim() : '';
  }

  /**
   * The provider says the meeting started: the lesson is live (never revives an ended one). Only the
   * meeting its active lease holds counts: a late report about a meeting before a restart changes nothing.
   */
  async markStarted(provider: ProviderName, meetingId: string, now: Date): Promise<string | null> {
    const rows = await this.run(
      `update lessons l set status = 'live', started_at = coalesce(l.started_at, ?), updated_at = ?
        where l.meeting_provider = ? and l.meeting_id = ? and l.status in ('scheduled', 'live')
          and exists (select 1 from meeting_leases ml where ml.lesson_id = l.id and ml.released_at is null and ml.meeting_id = l.meeting_id)
        returning l.id`,
      [now, now, provider, meetingId],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /** The soonest expected release: the earliest end of a lesson holding an active lease. */
  async soonestLeaseEnd(): Promise<Date | null> {
    const rows = await this.run(
      `select min(l.end_at) as soonest from meeting_leases ml join lessons l on l.id = ml.lesson_id where ml.released_at is null`,
    );
    return date(rows[0]?.soonest);
  }

  async lessonOfLease(leaseId: string): Promise<string | null> {
    const rows = await this.run(`select lesson_id from meeting_leases where id = ?`, [leaseId]);
    return rows[0] ? String(rows[0].lesson_id) : null;
  }

  async activeLeasesOfAccount(accountId: string): Promise<string[]> {
    const rows = await this.run(`select id from meeting_leases where account_id = ? and released_at is null`, [accountId]);
    return rows.map((row) => String(row.id));
  }

  /** Leases the sweep must act on, each with why. */
  async sweepCandidates(overdueBefore: Date, orphanBefore: Date): Promise<Array<{ leaseId: string; lessonId: string; why: 'overdue' | 'orphan' | 'drift' }>> {
    const rows = await this.run(
      `select ml.id, ml.lesson_id,
              case when ml.meeting_id is null and ml.acquired_at < ? then 'orphan'
                   when l.status in ('completed', 'cancelled') then 'drift'
                   else 'overdue' end as why
         from meeting_leases ml join lessons l on l.id = ml.lesson_id
        where ml.released_at is null
          and ((ml.meeting_id is null and ml.acquired_at < ?) or l.end_at < ? or l.status in ('completed', 'cancelled'))
        order by ml.acquired_at
        limit 500`,
      [orphanBefore, orphanBefore, overdueBefore],
    );
    return rows.map((row) => ({ leaseId: String(row.id), lessonId: String(row.lesson_id), why: row.why as 'overdue' | 'orphan' | 'drift' }));
  }

  /** Live lessons that hold no active lease (drift): completed. */
  async completeLiveLessonsWithoutLease(now: Date): Promise<Array<{ id: string; groupId: string; teacherId: string }>> {
    const rows = await this.run(
      `update lessons l set status = 'completed', ended_at = ?, updated_at = ?
        where l.status = 'live'
          and not exists (select 1 from meeting_leases ml where ml.lesson_id = l.id and ml.released_at is null)
        returning l.id, l.group_id, l.teacher_id`,
      [now, now],
    );
    return rows.map((row) => ({ id: String(row.id), groupId: String(row.group_id), teacherId: String(row.teacher_id) }));
  }
}

function toLesson(row: Row): PoolLesson {
  return {
    id: String(row.id),
    groupId: String(row.group_id),
    groupName: String(row.group_name),
    teacherId: String(row.teacher_id),
    title: String(row.title),
    startAt: date(row.start_at)!,
    endAt: date(row.end_at)!,
    status: row.status as PoolLesson['status'],
    meetingProvider: (row.meeting_provider as ProviderName | null) ?? null,
    meetingAccountId: (row.meeting_account_id as string | null) ?? null,
    meetingId: (row.meeting_id as string | null) ?? null,
    joinUrl: (row.join_url as string | null) ?? null,
    startUrl: (row.start_url as string | null) ?? null,
    startUrlIssuedAt: date(row.start_url_issued_at),
    password: (row.meeting_password as string | null) ?? null,
    startedAt: date(row.started_at),
    leaseId: (row.lease_id as string | null) ?? null,
    leaseAccountId: (row.lease_account_id as string | null) ?? null,
    leaseMeetingId: (row.lease_meeting_id as string | null) ?? null,
    account: row.account_id
      ? { id: String(row.account_id), label: String(row.account_label), email: String(row.account_email), credentialsSealed: (row.credentials_sealed as string | null) ?? null }
      : null,
  };
}
