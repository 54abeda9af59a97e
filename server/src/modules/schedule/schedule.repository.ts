import type { EntityManager } from '@mikro-orm/postgresql';
import type { LessonStatus, WeekType } from '@tp/shared';
import type { Orm } from '../../infra/db.js';
import type { CalendarScope, LessonRow, RuleRow, StoredLesson } from './schedule.types.js';

export type { LessonRow } from './schedule.types.js';

type Row = Record<string, unknown>;

const LESSON_COLUMNS = `
  l.id, l.group_id, g.name as group_name, g.archived_at is not null as group_archived, l.teacher_id,
  u.first_name || ' ' || u.last_name as teacher_name, l.title, l.status,
  (extract(epoch from l.start_at) * 1000)::float8 as start_ms, (extract(epoch from l.end_at) * 1000)::float8 as end_ms,
  l.join_url, l.meeting_id, l.rule_id, to_char(l.occurrence_date, 'YYYY-MM-DD') as occurrence_date`;
const LESSON_FROM = `lessons l join groups g on g.id = l.group_id join users u on u.id = l.teacher_id`;

const RULE_COLUMNS = `
  r.id, r.group_id, g.name as group_name, g.archived_at is not null as group_archived, r.teacher_id,
  u.first_name || ' ' || u.last_name as teacher_name, to_char(u.week_anchor_date, 'YYYY-MM-DD') as anchor_date,
  r.title, r.day_of_week, r.week_type, r.start_time, r.end_time, r.timezone,
  to_char(r.start_date, 'YYYY-MM-DD') as start_date, to_char(r.end_date, 'YYYY-MM-DD') as end_date`;
const RULE_FROM = `recurring_rules r join groups g on g.id = r.group_id join users u on u.id = r.teacher_id`;

const asDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));

function toLesson(row: Row): StoredLesson {
  return {
    id: row.id as string,
    groupId: row.group_id as string,
    groupName: row.group_name as string,
    groupArchived: Boolean(row.group_archived),
    teacherId: row.teacher_id as string,
    teacherName: row.teacher_name as string,
    title: row.title as string,
    // Epoch milliseconds as numbers: parsing thousands of timestamp strings is the slow part of a year's read.
    startAt: new Date(Math.round(Number(row.start_ms))),
    endAt: new Date(Math.round(Number(row.end_ms))),
    status: row.status as LessonStatus,
    joinUrl: (row.join_url as string | null) ?? null,
    meetingId: (row.meeting_id as string | null) ?? null,
    ruleId: (row.rule_id as string | null) ?? null,
    occurrenceDate: (row.occurrence_date as string | null) ?? null,
  };
}

function toRule(row: Row): RuleRow {
  return {
    id: row.id as string,
    groupId: row.group_id as string,
    groupName: row.group_name as string,
    groupArchived: Boolean(row.group_archived),
    teacherId: row.teacher_id as string,
    teacherName: row.teacher_name as string,
    anchorDate: (row.anchor_date as string | null) ?? null,
    title: row.title as string,
    dayOfWeek: Number(row.day_of_week),
    weekType: row.week_type as WeekType,
    startTime: row.start_time as string,
    endTime: row.end_time as string,
    timezone: row.timezone as string,
    startDate: row.start_date as string,
    endDate: row.end_date as string,
  };
}

/** Visibility filter over a table aliased `x` joined to its group `g`. */
function scopeSql(scope: CalendarScope, alias: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (scope.teacherId) {
      parts.push(`${alias}.teacher_id = ?`);
      params.push(scope.teacherId);
    }
  if (scope.groupId) {
      parts.push(`${alias}.group_id = ?`);
      params.push(scope.groupId);
    }
  if (scope.studentId) {
    parts.push(`${alias}.group_id in (select m.group_id from group_members m where m.student_id = ?)`);
    params.push(scope.studentId);
  }
  if (!scope.includeArchived) parts.push('g.archived_at is null');
  return { sql: parts.length ? ` and ${parts.join(' and ')}` : '', params };
}

export interface NewLesson {
  id: string;
  groupId: string;
  teacherId: string;
  title: string;
  startAt: Date;
  endAt: Date;
  status: LessonStatus;
  ruleId: string | null;
  occurrenceDate: string | null;
}

export interface RuleFields {
  groupId: string;
  teacherId: string;
  title: string;
  dayOfWeek: number;
  weekType: WeekType;
  startTime: string;
  endTime: string;
  timezone: string;
  startDate: string;
  endDate: string;
}

/** The only place that speaks SQL for lessons and recurring rules. */
/** A lesson that holds time in the school's calendar, as the capacity forecast lists it. */
export interface BusyLesson {
  id: string;
  teacherId: string;
  startAt: Date;
  endAt: Date;
  title: string;
  groupName: string;
  teacherName: string;
}

export class ScheduleRepository {
  constructor(private readonly orm: Orm) {}

  fork(): EntityManager {
    return this.orm.em.fork() as EntityManager;
  }

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.fork().transactional((em) => fn(em as EntityManager));
  }

  private run(em: EntityManager | undefined, sql: string, params: unknown[] = []): Promise<Row[]> {
    const target = em ?? this.fork();
    return target.getConnection().execute(sql, params, 'all', target.getTransactionContext());
  }

  /** Stored lessons overlapping [from, to) plus rule-linked ones whose occurrence date is in range. */
  async lessonsInRange(scope: CalendarScope, from: Date, to: Date, fromDate: string, toDate: string, em?: EntityManager): Promise<StoredLesson[]> {
    const where = scopeSql(scope, 'l');
    const rows = await this.run(
      em,
      `select ${LESSON_COLUMNS} from ${LESSON_FROM}
       where ((l.start_at < ?::timestamptz and l.end_at > ?::timestamptz)
          or (l.rule_id is not null and l.occurrence_date between ?::date and ?::date))${where.sql}`,
      [to.toISOString(), from.toISOString(), fromDate, toDate, ...where.params],
    );
    return rows.map(toLesson);
  }

  /** Rules active on some date of [fromDate, toDate]; rules of archived groups never expand. */
  async rulesInRange(scope: CalendarScope, fromDate: string, toDate: string, em?: EntityManager): Promise<RuleRow[]> {
    const where = scopeSql({ ...scope, includeArchived: scope.expandArchived ?? false }, 'r');
    const rows = await this.run(
      em,
      `select ${RULE_COLUMNS} from ${RULE_FROM}
       where r.start_date <= ?::date and r.end_date >= ?::date${where.sql}`,
      [toDate, fromDate, ...where.params],
    );
    return rows.map(toRule);
  }

  async findLesson(id: string, em?: EntityManager): Promise<StoredLesson | null> {
    const rows = await this.run(em, `select ${LESSON_COLUMNS} from ${LESSON_FROM} where l.id = ?`, [id]);
    return rows[0] ? toLesson(rows[0]) : null;
  }

  /** Several lessons in one read (unknown ids are simply absent). */
  async findLessons(ids: string[], em?: EntityManager): Promise<StoredLesson[]> {
    if (!ids.length) return [];
    const rows = await this.run(em, `select ${LESSON_COLUMNS} from ${LESSON_FROM} where l.id = any(?::uuid[])`, [`{${ids.join(',')}}`]);
    return rows.map(toLesson);
  }

  async findLessonByOccurrence(ruleId: string, date: string, em?: EntityManager): Promise<StoredLesson | null> {
    const rows = await this.run(em, `select ${LESSON_COLUMNS} from ${LESSON_FROM} where l.rule_id = ? and l.occurrence_date = ?::date`, [ruleId, date]);
    return rows[0] ? toLesson(rows[0]) : null;
  }

  /** Inserts unless the occurrence is already stored; returns whether a row was written. */
  async insertLesson(lesson: NewLesson, em?: EntityManager): Promise<boolean> {
    const rows = await this.run(
      em,
      `insert into lessons (id, group_id, teacher_id, title, start_at, end_at, status, rule_id, occurrence_date, created_at, updated_at)
       values (?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?, ?, ?::date, now(), now())
       on conflict (rule_id, occurrence_date) where rule_id is not null do nothing
       returning id`,
      [lesson.id, lesson.groupId, lesson.teacherId, lesson.title, lesson.startAt.toISOString(), lesson.endAt.toISOString(), lesson.status, lesson.ruleId, lesson.occurrenceDate],
    );
    return rows.length === 1;
  }

  async updateLesson(id: string, fields: { title: string; startAt: Date; endAt: Date; status: LessonStatus }, em?: EntityManager): Promise<void> {
    await this.run(
      em,
      `update lessons set title = ?, start_at = ?::timestamptz, end_at = ?::timestamptz, status = ?, updated_at = now()
       where id = ? and status in ('scheduled', 'cancelled')`,
      [fields.title, fields.startAt.toISOString(), fields.endAt.toISOString(), fields.status, id],
    );
  }

  /** A teacher's non-cancelled stored lessons overlapping [from, to). */
  async busyLessons(teacherId: string, from: Date, to: Date, em?: EntityManager): Promise<StoredLesson[]> {
    const rows = await this.run(
      em,
      `select ${LESSON_COLUMNS} from ${LESSON_FROM}
       where l.teacher_id = ? and l.status <> 'cancelled' and l.start_at < ?::timestamptz and l.end_at > ?::timestamptz
       order by l.start_at`,
      [teacherId, to.toISOString(), from.toISOString()],
    );
    return rows.map(toLesson);
  }

  /** Every rule-linked stored lesson of a teacher whose occurrence date is in range (they replace occurrences). */
  async materialisedKeys(teacherId: string | null, fromDate: string, toDate: string, em?: EntityManager): Promise<Set<string>> {
    const rows = await this.run(
      em,
      `select rule_id, to_char(occurrence_date, 'YYYY-MM-DD') as d from lessons
       where rule_id is not null and occurrence_date between ?::date and ?::date${teacherId ? ' and teacher_id = ?' : ''}`,
      teacherId ? [fromDate, toDate, teacherId] : [fromDate, toDate],
    );
    return new Set(rows.map((row) => `${row.rule_id}|${row.d}`));
  }

  async findRule(id: string, em?: EntityManager): Promise<RuleRow | null> {
    const rows = await this.run(em, `select ${RULE_COLUMNS} from ${RULE_FROM} where r.id = ?`, [id]);
    return rows[0] ? toRule(rows[0]) : null;
  }

  async listRules(scope: CalendarScope, em?: EntityManager): Promise<RuleRow[]> {
    const where = scopeSql(scope, 'r');
    const rows = await this.run(em, `select ${RULE_COLUMNS} from ${RULE_FROM} where true${where.sql} order by r.start_date, r.day_of_week, r.start_time`, where.params);
    return rows.map(toRule);
  }

  async insertRule(id: string, rule: RuleFields, em?: EntityManager): Promise<void> {
    await this.run(
      em,
      `insert into recurring_rules (id, group_id, teacher_id, title, day_of_week, week_type, start_time, end_time, timezone, start_date, end_date, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::date, ?::date, now())`,
      [id, rule.groupId, rule.teacherId, rule.title, rule.dayOfWeek, rule.weekType, rule.startTime, rule.endTime, rule.timezone, rule.startDate, rule.endDate],
    );
  }

  async updateRule(id: string, rule: Omit<RuleFields, 'groupId' | 'teacherId'>, em?: EntityManager): Promise<void> {
    await this.run(
      em,
      `update recurring_rules set title = ?, day_of_week = ?, week_type = ?, start_time = ?, end_time = ?, timezone = ?,
       start_date = ?::date, end_date = ?::date where id = ?`,
      [rule.title, rule.dayOfWeek, rule.weekType, rule.startTime, rule.endTime, rule.timezone, rule.startDate, rule.endDate, id],
    );
  }

  async deleteRule(id: string, em?: EntityManager): Promise<void> {
    await this.run(em, `delete from recurring_rules where id = ?`, [id]);
  }

  /** Stored occurrences from `fromDate` on follow the rule that now owns those dates. */
  async repointLessons(fromRuleId: string, toRuleId: string, fromDate: string, em?: EntityManager): Promise<void> {
    await this.run(em, `update lessons set rule_id = ?, updated_at = now() where rule_id = ? and occurrence_date >= ?::date`, [toRuleId, fromRuleId, fromDate]);
  }

  /** Cancels the still-scheduled stored occurrences of a rule from `fromDate` on; returns their ids. */
  async cancelRuleLessonsFrom(ruleId: string, fromDate: string, em?: EntityManager): Promise<string[]> {
    const rows = await this.run(
      em,
      `update lessons set status = 'cancelled', updated_at = now()
       where rule_id = ? and occurrence_date >= ?::date and status = 'scheduled' returning id`,
      [ruleId, fromDate],
    );
    return rows.map((row) => row.id as string);
  }

  async teacherAnchor(teacherId: string, em?: EntityManager): Promise<string | null> {
    const rows = await this.run(em, `select to_char(week_anchor_date, 'YYYY-MM-DD') as anchor from users where id = ?`, [teacherId]);
    return (rows[0]?.anchor as string | null) ?? null;
  }

  /** Every teacher's non-cancelled stored lessons overlapping [from, to) (capacity forecasts). */
  async allBusyLessons(from: Date, to: Date): Promise<BusyLesson[]> {
    const rows = await this.run(
      undefined,
      `select l.id, l.teacher_id, l.start_at, l.end_at, l.title, g.name as group_name, u.first_name || ' ' || u.last_name as teacher_name
         from lessons l join groups g on g.id = l.group_id join users u on u.id = l.teacher_id
        where l.status <> 'cancelled' and l.start_at < ?::timestamptz and l.end_at > ?::timestamptz`,
      [to.toISOString(), from.toISOString()],
    );
    return rows.map((row) => ({
      id: row.id as string,
      teacherId: row.teacher_id as string,
      startAt: asDate(row.start_at),
      endAt: asDate(row.end_at),
      title: row.title as string,
      groupName: row.group_name as string,
      teacherName: row.teacher_name as string,
    }));
  }

  /** Lesson rows for other modules. */
  toLessonRow(lesson: StoredLesson): LessonRow {
    const { id, groupId, groupName, teacherId, title, startAt, endAt, status, joinUrl, meetingId } = lesson;
    return { id, groupId, groupName, teacherId, title, startAt, endAt, status, joinUrl, meetingId };
  }
}
