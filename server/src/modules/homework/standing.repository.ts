import { uuidArray, type HomeworkRepository, type Row } from './homework.repository.js';

/** One student's standing on one homework, from one aggregate query (no entities hydrated). */
export interface StandingRow {
  homeworkId: string;
  studentId: string;
  firstName: string;
  lastName: string;
  excused: boolean;
  dueAt: Date | null;
  missedAt: Date | null;
  backlogUntil: Date | null;
  closedAt: Date | null;
  attempts: number;
  openAttempt: boolean;
  /** The attempt that counts (best or last submitted). */
  countedId: string | null;
  countedState: 'submitted' | 'graded' | null;
  scoreH: number | null;
  maxH: number | null;
  startedAt: Date | null;
  submittedAt: Date | null;
  late: boolean;
  pendingManual: number;
}

const date = (value: unknown) => (value ? new Date(value as string) : null);

const STANDING_SQL = `
  select h.id as homework_id, u.id as student_id, u.first_name, u.last_name,
         coalesce(s.excused, false) as excused, coalesce(s.due_at_override, h.due_at) as due_at,
         s.missed_at, s.backlog_until, s.closed_at,
         (select count(*) from homework_attempts a where a.homework_id = h.id and a.student_id = u.id)::int as attempts,
         exists (select 1 from homework_attempts a where a.homework_id = h.id and a.student_id = u.id and a.state = 'in_progress') as open_attempt,
         c.id as counted_id, c.state as counted_state, c.score_h, c.max_h, c.started_at, c.submitted_at, coalesce(c.late, false) as late,
         coalesce(c.pending_manual, 0) as pending_manual
  from homework h
  join group_members m on m.group_id = h.group_id
  join users u on u.id = m.student_id
  left join homework_students s on s.homework_id = h.id and s.student_id = u.id
  left join lateral (
    select a.* from homework_attempts a
    where a.homework_id = h.id and a.student_id = u.id and a.state <> 'in_progress'
    order by case when h.grade_by = 'best' then a.score_h end desc nulls last, a.number desc
    limit 1
  ) c on true`;

function toStanding(row: Row): StandingRow {
  return {
    homeworkId: row.homework_id as string,
    studentId: row.student_id as string,
    firstName: row.first_name as string,
    lastName: row.last_name as string,
    excused: Boolean(row.excused),
    dueAt: date(row.due_at),
    missedAt: date(row.missed_at),
    backlogUntil: date(row.backlog_until),
    closedAt: date(row.closed_at),
    attempts: Number(row.attempts),
    openAttempt: Boolean(row.open_attempt),
    countedId: (row.counted_id as string | null) ?? null,
    countedState: (row.counted_state as StandingRow['countedState']) ?? null,
    scoreH: row.score_h === null || row.score_h === undefined ? null : Number(row.score_h),
    maxH: row.max_h === null || row.max_h === undefined ? null : Number(row.max_h),
    startedAt: date(row.started_at),
    submittedAt: date(row.submitted_at),
    late: Boolean(row.late),
    pendingManual: Number(row.pending_manual),
  };
}

/** Standing reads, overrides and the missed-work sweeps. */
export class StandingRepository {
  constructor(private readonly base: HomeworkRepository) {}

  /** Every student of the homework's group (or just one). */
  async forHomework(homeworkId: string, studentId?: string): Promise<StandingRow[]> {
    const rows = await this.base.run(`${STANDING_SQL} where h.id = ? ${studentId ? 'and u.id = ?' : ''} order by u.last_name, u.first_name, u.id`, studentId ? [homeworkId, studentId] : [homeworkId]);
    return rows.map(toStanding);
  }

  /** One student's standing on every published homework of their groups. */
  async forStudent(studentId: string, homeworkIds: string[]): Promise<Map<string, StandingRow>> {
    if (!homeworkIds.length) return new Map();
    const rows = await this.base.run(`${STANDING_SQL} where u.id = ? and h.id = any(?::uuid[])`, [studentId, uuidArray(homeworkIds)]);
    return new Map(rows.map(toStanding).map((r) => [r.homeworkId, r]));
  }

  async setOverride(homeworkId: string, studentId: string, changes: { excused?: boolean; dueAt?: Date | null }, now: Date): Promise<void> {
    await this.base.run(
      `insert into homework_students (homework_id, student_id, excused, due_at_override) values (?, ?, coalesce(?::boolean, false), ?)
       on conflict (homework_id, student_id) do update set
         excused = coalesce(?::boolean, homework_students.excused),
         due_at_override = case when ?::boolean then excluded.due_at_override else homework_students.due_at_override end`,
      [homeworkId, studentId, changes.excused ?? null, changes.dueAt ?? null, changes.excused ?? null, changes.dueAt !== undefined],
    );
    // A new due time in the future takes the student out of the backlog: they are not late any more.
    if (changes.dueAt !== undefined || changes.excused === true) {
      await this.base.run(
        `update homework_students set missed_at = null, backlog_until = null, closed_at = null
         where homework_id = ? and student_id = ? and (excused or due_at_override > ?)`,
        [homeworkId, studentId, now],
      );
    }
  }

  /**
   * At the due time every student of the group without a submitted attempt, not excused, gets a
   * missed 0 and a backlog until due + `backlogDays`. Safe to run twice or on two workers at once:
   * the conflict clause re-checks `missed_at is null` on the locked row, so each student is marked once.
   */
  async markMissed(now: Date, backlogDays: number): Promise<Array<{ homeworkId: string; studentId: string; teacherId: string }>> {
    const rows = await this.base.run(
      `with due as (
         select h.id as homework_id, h.teacher_id, m.student_id, coalesce(s.due_at_override, h.due_at) as due_at
         from homework h
         join group_members m on m.group_id = h.group_id
         left join homework_students s on s.homework_id = h.id and s.student_id = m.student_id
         where h.status = 'published'
           and coalesce(s.due_at_override, h.due_at) <= ? and not coalesce(s.excused, false) and s.missed_at is null
           and not exists (select 1 from homework_attempts a where a.homework_id = h.id and a.student_id = m.student_id and a.state <> 'in_progress')
       )
       insert into homework_students (homework_id, student_id, missed_at, backlog_until)
       select homework_id, student_id, ?, due_at + make_interval(days => ?) from due
       on conflict (homework_id, student_id) do update set missed_at = excluded.missed_at, backlog_until = excluded.backlog_until, closed_at = null
         where homework_students.missed_at is null and not homework_students.excused
           and coalesce(homework_students.due_at_override, (select due_at from homework where id = excluded.homework_id)) <= excluded.missed_at
       returning homework_id, student_id, (select teacher_id from homework where id = homework_students.homework_id) as teacher_id`,
      [now, now, backlogDays],
    );
    return rows.map((r) => ({ homeworkId: r.homework_id as string, studentId: r.student_id as string, teacherId: r.teacher_id as string }));
  }

  /** Backlog entries past their end without a submitted attempt close at 0 (each once). */
  async closeBacklog(now: Date): Promise<Array<{ homeworkId: string; studentId: string; teacherId: string }>> {
    const rows = await this.base.run(
      `update homework_students s set closed_at = ?
       from homework h
       where h.id = s.homework_id and s.missed_at is not null and s.closed_at is null and s.backlog_until <= ? and not s.excused
         and not exists (select 1 from homework_attempts a where a.homework_id = s.homework_id and a.student_id = s.student_id and a.state <> 'in_progress')
       returning s.homework_id, s.student_id, h.teacher_id`,
      [now, now],
    );
    return rows.map((r) => ({ homeworkId: r.homework_id as string, studentId: r.student_id as string, teacherId: r.teacher_id as string }));
  }
}
