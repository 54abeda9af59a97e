import type { EntityManager } from '@mikro-orm/postgresql';
import { averageFromHundredths, type CategoryKey, type ControlPointKind, type GradebookCell, type ScaleStep } from '@tp/shared';
import type { Orm } from '../../infra/db.js';

export type Row = Record<string, unknown>;

export interface GroupInfo {
  id: string;
  name: string;
  teacherId: string;
  archived: boolean;
}
export interface StudentInfo {
  id: string;
  name: string;
}
export interface SettingsRow {
  weights: Record<CategoryKey, number>;
  /** undefined: no row yet (defaults apply); null: marks switched off. */
  scale: ScaleStep[] | null | undefined;
}
export interface ControlPointRow {
  id: string;
  groupId: string;
  title: string;
  kind: ControlPointKind;
  maxH: number;
  weightH: number;
  date: string | null;
  lessonId: string | null;
  lessonStartAt: Date | null;
  createdAt: Date;
}
export interface ScoreRow {
  controlPointId: string;
  studentId: string;
  pointsH: number | null;
  excused: boolean;
  comment: string | null;
}
/** A student's kept row: every value in hundredths of a percent (whole numbers, so sums are exact). */
export interface CachedRow {
  studentId: string;
  percents: Record<string, number>;
  attendance: number | null;
  homework: number | null;
  control: number | null;
  total: number | null;
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
/** A uuid[] parameter as PostgreSQL's array literal (the driver would spread a JS array). */
const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;
const textArray = (values: string[]) => `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

const CONTROL_POINT_SELECT = `select c.*, l.start_at as lesson_start_at from control_points c left join lessons l on l.id = c.lesson_id`;

function toControlPoint(row: Row): ControlPointRow {
  return {
    id: row.id as string,
    groupId: row.group_id as string,
    title: row.title as string,
    kind: row.kind as ControlPointKind,
    maxH: Number(row.max_points_h),
    weightH: Number(row.weight_h),
    date: row.date ? String(row.date instanceof Date ? row.date.toISOString().slice(0, 10) : row.date).slice(0, 10) : null,
    lessonId: (row.lesson_id as string | null) ?? null,
    lessonStartAt: row.lesson_start_at ? new Date(row.lesson_start_at as string) : null,
    createdAt: new Date(row.created_at as string),
  };
}

/** SQL of the gradebook: settings, control points and scores, and the per-student totals kept for live updates. */
export class GradebookRepository {
  /** Statements sent, for the benchmark and the constant-cost test. */
  statements = 0;

  constructor(private readonly orm: Orm) {}

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return (this.orm.em.fork() as EntityManager).transactional((em) => fn(em as EntityManager));
  }

  run(sql: string, params: unknown[] = [], em?: EntityManager): Promise<Row[]> {
    this.statements++;
    const target = em ?? (this.orm.em.fork() as EntityManager);
    return target.getConnection().execute(sql, params, 'all', target.getTransactionContext());
  }

  // ---------------------------------------------------------------- groups and students

  async group(groupId: string): Promise<GroupInfo | null> {
    const [row] = await this.run(`select id, name, teacher_id, archived_at from groups where id = ?`, [groupId]);
    return row ? { id: row.id as string, name: row.name as string, teacherId: row.teacher_id as string, archived: row.archived_at !== null } : null;
  }

  /** The group's students now, ordered as the table shows them. */
  async students(groupId: string, studentId?: string): Promise<StudentInfo[]> {
    const rows = await this.run(
      `select u.id, trim(u.last_name || ' ' || u.first_name) as name from group_members m join users u on u.id = m.student_id
       where m.group_id = ? ${studentId ? 'and u.id = ?' : ''} order by u.last_name, u.first_name, u.id`,
      studentId ? [groupId, studentId] : [groupId],
    );
    return rows.map((r) => ({ id: r.id as string, name: r.name as string }));
  }

  async isStudentOf(groupId: string, studentId: string): Promise<boolean> {
    const rows = await this.run(`select 1 from group_members where group_id = ? and student_id = ?`, [groupId, studentId]);
    return rows.length > 0;
  }

  /** Of `studentIds`, those who are not students of the group. */
  async notStudentsOf(groupId: string, studentIds: string[]): Promise<string[]> {
    const rows = await this.run(
      `select s.id from unnest(?::uuid[]) as s(id) where not exists (select 1 from group_members m where m.group_id = ? and m.student_id = s.id)`,
      [uuidArray(studentIds), groupId],
    );
    return rows.map((r) => r.id as string);
  }

  async studentGroups(studentId: string): Promise<Array<{ id: string; name: string; teacherName: string }>> {
    const rows = await this.run(
      `select g.id, g.name, trim(t.first_name || ' ' || t.last_name) as teacher_name from group_members m
       join groups g on g.id = m.group_id join users t on t.id = g.teacher_id
       where m.student_id = ? and g.archived_at is null order by g.name, g.id`,
      [studentId],
    );
    return rows.map((r) => ({ id: r.id as string, name: r.name as string, teacherName: r.teacher_name as string }));
  }

  async lessonOfGroup(lessonId: string, groupId: string): Promise<boolean> {
    const rows = await this.run(`select 1 from lessons where id = ? and group_id = ?`, [lessonId, groupId]);
    return rows.length > 0;
  }

  // ---------------------------------------------------------------- settings

  async settings(groupId: string): Promise<SettingsRow> {
    const [row] = await this.run(`select * from gradebook_settings where group_id = ?`, [groupId]);
    if (!row) return { weights: { attendance: 20, homework: 30, control: 50 }, scale: undefined };
    return {
      weights: { attendance: Number(row.weight_attendance), homework: Number(row.weight_homework), control: Number(row.weight_control) },
      scale: (row.scale as ScaleStep[] | null) ?? null,
    };
  }

  async saveSettings(groupId: string, weights: Record<CategoryKey, number>, scale: ScaleStep[] | null, now: Date): Promise<void> {
    await this.run(
      `insert into gradebook_settings (group_id, weight_attendance, weight_homework, weight_control, scale, updated_at) values (?, ?, ?, ?, ?::jsonb, ?)
       on conflict (group_id) do update set weight_attendance = excluded.weight_attendance, weight_homework = excluded.weight_homework,
         weight_control = excluded.weight_control, scale = excluded.scale, updated_at = excluded.updated_at`,
      [groupId, weights.attendance, weights.homework, weights.control, scale === null ? null : JSON.stringify(scale), now],
    );
  }

  // ---------------------------------------------------------------- control points

  async insertControlPoint(row: Omit<ControlPointRow, 'lessonStartAt'> & { createdBy: string }): Promise<void> {
    await this.run(
      `insert into control_points (id, group_id, title, kind, max_points_h, weight_h, date, lesson_id, created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.groupId, row.title, row.kind, row.maxH, row.weightH, row.date, row.lessonId, row.createdBy, row.createdAt],
    );
  }

  async updateControlPoint(id: string, changes: Partial<Pick<ControlPointRow, 'title' | 'kind' | 'maxH' | 'weightH' | 'date' | 'lessonId'>>): Promise<void> {
    const names: Record<string, string> = { title: 'title', kind: 'kind', maxH: 'max_points_h', weightH: 'weight_h', date: 'date', lessonId: 'lesson_id' };
    const keys = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined);
    if (!keys.length) return;
    await this.run(`update control_points set ${keys.map((k) => `${names[k]} = ?`).join(', ')} where id = ?`, [...keys.map((k) => changes[k as keyof typeof changes]), id]);
  }

  async deleteControlPoint(id: string): Promise<void> {
    await this.run(`delete from control_points where id = ?`, [id]);
  }

  async controlPoint(id: string): Promise<ControlPointRow | null> {
    const [row] = await this.run(`${CONTROL_POINT_SELECT} where c.id = ?`, [id]);
    return row ? toControlPoint(row) : null;
  }

  async controlPoints(groupId: string): Promise<ControlPointRow[]> {
    const rows = await this.run(`${CONTROL_POINT_SELECT} where c.group_id = ? order by coalesce(c.date, l.start_at::date), c.created_at, c.id`, [groupId]);
    return rows.map(toControlPoint);
  }

  /** The highest score given in a control point, to refuse lowering its maximum below it. */
  async maxScoreH(controlPointId: string): Promise<number> {
    const [row] = await this.run(`select coalesce(max(points_h), 0)::int as m from control_point_scores where control_point_id = ?`, [controlPointId]);
    return Number(row!.m);
  }

  /** Writes the scores in one statement; `points_h` null and not excused clears a score. */
  async saveScores(controlPointId: string, scores: ScoreRow[], by: string, now: Date): Promise<void> {
    await this.run(
      `insert into control_point_scores (control_point_id, student_id, points_h, excused, comment, updated_by, updated_at)
       select ?, s.student_id, s.points_h, s.excused, s.comment, ?, ?
       from unnest(?::uuid[], ?::int[], ?::boolean[], ?::text[]) as s(student_id, points_h, excused, comment)
       on conflict (control_point_id, student_id) do update set points_h = excluded.points_h, excused = excluded.excused,
         comment = excluded.comment, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [
        controlPointId,
        by,
        now,
        uuidArray(scores.map((s) => s.studentId)),
        `{${scores.map((s) => (s.pointsH === null ? 'NULL' : String(s.pointsH))).join(',')}}`,
        `{${scores.map((s) => String(s.excused)).join(',')}}`,
        `{${scores.map((s) => (s.comment === null ? 'NULL' : textArray([s.comment]).slice(1, -1))).join(',')}}`,
      ],
    );
  }

  async scores(controlPointId: string): Promise<ScoreRow[]> {
    const rows = await this.run(
      `select s.* from control_point_scores s join control_points c on c.id = s.control_point_id
       join group_members m on m.group_id = c.group_id and m.student_id = s.student_id where s.control_point_id = ?`,
      [controlPointId],
    );
    return rows.map((r) => ({ controlPointId: r.control_point_id as string, studentId: r.student_id as string, pointsH: num(r.points_h), excused: Boolean(r.excused), comment: (r.comment as string | null) ?? null }));
  }

  /** Every score of the group's control points (or one student's), current members only: one statement, one JSON value. */
  async controlCells(groupId: string, studentId?: string): Promise<Array<{ controlPointId: string; studentId: string; cell: GradebookCell }>> {
    const [row] = await this.run(
      `select coalesce(json_agg(json_build_array(s.control_point_id, s.student_id, case when s.excused then null else round(s.points_h / 100.0, 2) end, s.excused, s.comment)), '[]') as cells
       from control_point_scores s
       join control_points c on c.id = s.control_point_id join group_members m on m.group_id = c.group_id and m.student_id = s.student_id
       where c.group_id = ? ${studentId ? 'and s.student_id = ?' : ''} and (s.points_h is not null or s.excused)`,
      studentId ? [groupId, studentId] : [groupId],
    );
    const tuples = (typeof row!.cells === 'string' ? JSON.parse(row!.cells) : row!.cells) as Array<[string, string, number | null, boolean, string | null]>;
    return tuples.map(([controlPointId, student, points, excused, comment]) => {
      const cell: GradebookCell = excused ? [null, 'excused'] : [Number(points), 'scored'];
      if (comment) cell.push(comment);
      return { controlPointId, studentId: student, cell };
    });
  }

  // ---------------------------------------------------------------- the kept totals

  /** Whether the kept rows are complete, and the signature of the columns they were computed with. */
  async cacheState(groupId: string): Promise<{ fresh: boolean; signature: string }> {
    const [row] = await this.run(`select fresh, signature from gradebook_cache where group_id = ?`, [groupId]);
    return { fresh: Boolean(row?.fresh), signature: (row?.signature as string | undefined) ?? '' };
  }

  async markStale(groupId: string): Promise<void> {
    await this.run(`insert into gradebook_cache (group_id, fresh) values (?, false) on conflict (group_id) do update set fresh = false`, [groupId]);
  }

  /**
   * Replaces every kept row of the group with `rows`, recounts the column and category sums from them
   * and marks the rows fresh, in one statement.
   */
  async replaceRows(groupId: string, rows: CachedRow[], signature: string): Promise<void> {
    await this.run(
      `with data as (
         select * from jsonb_to_recordset(?::jsonb) as d(student_id uuid, percents jsonb, attendance float8, homework float8, control float8, total float8)
       ), gone as (
         delete from gradebook_rows r where r.group_id = ? and not exists (select 1 from data where data.student_id = r.student_id)
       ), written as (
         insert into gradebook_rows (group_id, student_id, percents, attendance, homework, control, total)
         select ?, student_id, percents, attendance, homework, control, total from data
         on conflict (group_id, student_id) do update set percents = excluded.percents, attendance = excluded.attendance,
           homework = excluded.homework, control = excluded.control, total = excluded.total
       ), per_column as (
         select e.key as column_id, sum(e.value::float8) as sum, count(*)::int as n from data, jsonb_each_text(data.percents) e group by e.key
       ), columns_gone as (
         delete from gradebook_column_stats c where c.group_id = ? and not exists (select 1 from per_column p where p.column_id = c.column_id)
       ), columns_written as (
         insert into gradebook_column_stats (group_id, column_id, sum, n) select ?, column_id, sum, n from per_column
         on conflict (group_id, column_id) do update set sum = excluded.sum, n = excluded.n
       )
       insert into gradebook_cache (group_id, fresh, signature, attendance_sum, attendance_n, homework_sum, homework_n, control_sum, control_n, total_sum, total_n)
       select ?, true, ?, coalesce(sum(attendance), 0), count(attendance), coalesce(sum(homework), 0), count(homework),
              coalesce(sum(control), 0), count(control), coalesce(sum(total), 0), count(total) from data
       on conflict (group_id) do update set fresh = true, signature = excluded.signature,
         attendance_sum = excluded.attendance_sum, attendance_n = excluded.attendance_n, homework_sum = excluded.homework_sum,
         homework_n = excluded.homework_n, control_sum = excluded.control_sum, control_n = excluded.control_n,
         total_sum = excluded.total_sum, total_n = excluded.total_n`,
      [JSON.stringify(rows.map(toJsonRow)), groupId, groupId, groupId, groupId, groupId, signature],
    );
  }

  /**
   * Writes one student's kept row (or removes it) and moves the column and category sums by the
   * difference from the row it replaces, then answers the averages of `columnIds` and of the
   * categories: one statement, whatever the group's size.
   */
  async writeRowAndAverages(
    groupId: string,
    studentId: string,
    row: CachedRow | null,
    columnIds: string[],
  ): Promise<{ columns: Record<string, number | null>; categories: Record<CategoryKey, number | null>; total: number | null }> {
    const next = row ?? { percents: {}, attendance: null, homework: null, control: null, total: null };
    const write = row
      ? `insert into gradebook_rows (group_id, student_id, percents, attendance, homework, control, total)
         select ?, ?, percents, attendance, homework, control, total from next
         on conflict (group_id, student_id) do update set percents = excluded.percents, attendance = excluded.attendance,
           homework = excluded.homework, control = excluded.control, total = excluded.total`
      : `delete from gradebook_rows where group_id = ? and student_id = ?`;
    // sub-statements share one snapshot: `old` is the row as it was before this statement wrote it
    const [result] = await this.run(
      `with next as (
         select ?::jsonb as percents, ?::float8 as attendance, ?::float8 as homework, ?::float8 as control, ?::float8 as total
       ), old as (
         select percents, attendance, homework, control, total from gradebook_rows where group_id = ? and student_id = ? for update
       ), w as (${write}),
       delta as (
         select c as column_id, (next.percents ->> c)::float8 as nv, (select (old.percents ->> c)::float8 from old) as ov
         from unnest(?::text[]) as c cross join next
       ), moved as (
         insert into gradebook_column_stats (group_id, column_id, sum, n)
         select ?, column_id, coalesce(nv, 0) - coalesce(ov, 0), (nv is not null)::int - (ov is not null)::int from delta
         on conflict (group_id, column_id) do update set sum = gradebook_column_stats.sum + excluded.sum, n = gradebook_column_stats.n + excluded.n
         returning column_id, sum, n
       ), was as (
         select coalesce((select attendance from old), null) as attendance, (select homework from old) as homework,
                (select control from old) as control, (select total from old) as total
       ), totals as (
         update gradebook_cache g set
           attendance_sum = attendance_sum + coalesce(next.attendance, 0) - coalesce(was.attendance, 0),
           attendance_n = attendance_n + (next.attendance is not null)::int - (was.attendance is not null)::int,
           homework_sum = homework_sum + coalesce(next.homework, 0) - coalesce(was.homework, 0),
           homework_n = homework_n + (next.homework is not null)::int - (was.homework is not null)::int,
           control_sum = control_sum + coalesce(next.control, 0) - coalesce(was.control, 0),
           control_n = control_n + (next.control is not null)::int - (was.control is not null)::int,
           total_sum = total_sum + coalesce(next.total, 0) - coalesce(was.total, 0),
           total_n = total_n + (next.total is not null)::int - (was.total is not null)::int
         from next, was where g.group_id = ?
         returning g.*
       )
       select (select coalesce(jsonb_object_agg(column_id, jsonb_build_array(sum, n)), '{}'::jsonb) from moved) as columns,
              attendance_sum, attendance_n, homework_sum, homework_n, control_sum, control_n, total_sum, total_n
       from totals`,
      [
        JSON.stringify(next.percents),
        next.attendance,
        next.homework,
        next.control,
        next.total,
        groupId,
        studentId,
        groupId,
        studentId,
        textArray(columnIds),
        groupId,
        groupId,
      ],
    );
    const sums = (result?.columns ?? {}) as Record<string, [number, number]>;
    const columns: Record<string, number | null> = {};
    for (const id of columnIds) columns[id] = sums[id] ? averageFromHundredths(Number(sums[id][0]), Number(sums[id][1])) : null;
    const mean = (key: 'attendance' | 'homework' | 'control' | 'total') => (result ? averageFromHundredths(Number(result[`${key}_sum`]), Number(result[`${key}_n`])) : null);
    return { columns, categories: { attendance: mean('attendance'), homework: mean('homework'), control: mean('control') }, total: mean('total') };
  }
}

function toJsonRow(row: CachedRow) {
  return { student_id: row.studentId, percents: row.percents, attendance: row.attendance, homework: row.homework, control: row.control, total: row.total };
}
