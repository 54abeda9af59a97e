import type { EntityManager } from '@mikro-orm/postgresql';
import type { CategoryKey, ControlPointKind, GradebookCell, ScaleStep } from '@tp/shared';
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

/** A json column: the driver parses it, unless it came as text. */
export const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
/** A uuid[] parameter as PostgreSQL's array literal (the driver would spread a JS array). */
const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;
export const textArray = (values: string[]) => `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

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

  /**
   * Every score of the group's control points (or one student's), current members only: one statement,
   * one JSON value — each control point id once, then per student `[index into controlPointIds, cell]`.
   */
  async controlCells(groupId: string, studentId?: string): Promise<{ controlPointIds: string[]; byStudent: Record<string, Array<[number, GradebookCell]>> }> {
    const [row] = await this.run(
      `with indexed as (select id, (row_number() over (order by id))::int - 1 as i from control_points where group_id = ?),
       -- JSON written as text: several times cheaper for PostgreSQL than json_agg over 12,000 small arrays
       per_student as (
         select s.student_id,
                string_agg(x.i || case when s.excused then ',[null,"excused"' else ',[' || round(s.points_h / 100.0, 2) || ',"scored"' end
                           || coalesce(',' || to_json(nullif(s.comment, ''))::text, '') || ']', '],[') as cells
         from control_point_scores s join indexed x on x.id = s.control_point_id
         join group_members m on m.group_id = ? and m.student_id = s.student_id
         where (s.points_h is not null or s.excused) ${studentId ? 'and s.student_id = ?' : ''}
         group by s.student_id
       )
       select (select coalesce(json_agg(id order by i), '[]') from indexed) as ids,
              (select '{' || coalesce(string_agg('"' || student_id || '":[[' || cells || ']]', ','), '') || '}' from per_student) as cells`,
      studentId ? [groupId, groupId, studentId] : [groupId, groupId],
    );
    return { controlPointIds: parseJson(row!.ids) as string[], byStudent: parseJson(row!.cells) as Record<string, Array<[number, GradebookCell]>> };
  }
}
