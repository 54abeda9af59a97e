import type { GradebookCell } from '@tp/shared';
import type { HomeworkRepository } from './homework.repository.js';

/** A published homework as a gradebook column. */
export interface HomeworkColumnRow {
  homeworkId: string;
  title: string;
  dueAt: Date | null;
  maxPoints: number;
  /** Scores not yet visible to students (released manually, or after the due time). */
  hiddenFromStudents: boolean;
}
/**
 * The cells of a group (or one student) in compact form: each homework id once, then per student the
 * cells that exist as `[index into homeworkIds, cell]` — a 300 × 80 group is one JSON value of about
 * 0.4 MB instead of 24,000 rows each repeating two uuids.
 */
export interface HomeworkCells {
  homeworkIds: string[];
  byStudent: Record<string, Array<[number, GradebookCell]>>;
}

/**
 * The homework side of the gradebook, as two aggregate statements over a whole group (or one
 * student): the counted attempt per student (best or last submitted, like the standing query),
 * excused and missed marks, and open attempts — no entities hydrated, only students who have
 * something to show get a cell.
 */
export class HomeworkGradebookRepository {
  constructor(private readonly base: HomeworkRepository) {}

  async columns(groupId: string, now: Date): Promise<HomeworkColumnRow[]> {
    const rows = await this.base.run(
      `select h.id, h.title, h.due_at, h.release_results, h.results_released_at,
              (select coalesce(sum(q.points_h), 0) from homework_questions q where q.homework_id = h.id)::int as max_h
       from homework h where h.group_id = ? and h.status <> 'draft'
       order by h.due_at nulls last, h.created_at, h.id`,
      [groupId],
    );
    return rows.map((row) => {
      const dueAt = row.due_at ? new Date(row.due_at as string) : null;
      const released = row.results_released_at !== null;
      const hidden = row.release_results === 'manual' ? !released : row.release_results === 'after_due' ? !released && (!dueAt || now < dueAt) : false;
      return { homeworkId: row.id as string, title: row.title as string, dueAt, maxPoints: Number(row.max_h) / 100, hiddenFromStudents: hidden };
    });
  }

  async cells(groupId: string, now: Date, studentId?: string): Promise<HomeworkCells> {
    const onlyStudent = (alias: string) => (studentId ? `and ${alias}.student_id = ?` : '');
    const params = studentId ? [groupId, studentId, studentId, studentId, groupId, now] : [groupId, groupId, now];
    // one JSON value for the whole group: PostgreSQL builds it, one JSON.parse reads it
    const [row] = await this.base.run(
      `with hw as (select id, grade_by from homework where group_id = ? and status <> 'draft'),
       counted as (
         select distinct on (a.homework_id, a.student_id) a.homework_id, a.student_id, a.state, a.score_h
         from homework_attempts a join hw on hw.id = a.homework_id
         where a.state <> 'in_progress' ${onlyStudent('a')}
         order by a.homework_id, a.student_id, case when hw.grade_by = 'best' then a.score_h end desc nulls last, a.number desc
       ),
       marks as (
         select s.homework_id, s.student_id, s.excused, s.missed_at, s.backlog_until, s.closed_at
         from homework_students s join hw on hw.id = s.homework_id
         where (s.excused or s.missed_at is not null) ${onlyStudent('s')}
       ),
       opened as (
         select a.homework_id, a.student_id from homework_attempts a join hw on hw.id = a.homework_id
         where a.state = 'in_progress' ${onlyStudent('a')}
       ),
       joined as (
         select coalesce(c.homework_id, m.homework_id) as homework_id, coalesce(c.student_id, m.student_id) as student_id,
                c.state, c.score_h, m.excused, m.missed_at, m.backlog_until, m.closed_at
         from counted c full join marks m on m.homework_id = c.homework_id and m.student_id = c.student_id
       ),
       cells as (
         select coalesce(j.homework_id, o.homework_id) as homework_id, coalesce(j.student_id, o.student_id) as student_id,
                j.state, j.score_h, coalesce(j.excused, false) as excused, j.missed_at, j.backlog_until, j.closed_at,
                o.homework_id is not null as open
         from joined j full join opened o on o.homework_id = j.homework_id and o.student_id = j.student_id
         join group_members gm on gm.group_id = ? and gm.student_id = coalesce(j.student_id, o.student_id)
       ),
       -- a submission (also a late one from the backlog) replaces the missed 0
       judged as (
         select homework_id, student_id,
                case when excused then 'excused' when state = 'graded' then 'graded' when state = 'submitted' then 'submitted'
                     when missed_at is not null then case when closed_at is null and backlog_until > ? then 'backlog' else 'missed' end
                     when open then 'in_progress' end as status,
                case when excused then null when state = 'graded' then round(score_h / 100.0, 2) when state = 'submitted' then null
                     when missed_at is not null then 0 end as points
         from cells
       )
       ,
       indexed as (select id, (row_number() over (order by id))::int - 1 as i from hw),
       -- JSON written as text: several times cheaper for PostgreSQL than json_agg over 24,000 small arrays
       per_student as (
         select j.student_id, string_agg(x.i || ',[' || coalesce(j.points::text, 'null') || ',"' || j.status || '"]', '],[') as cells
         from judged j join indexed x on x.id = j.homework_id where j.status is not null group by j.student_id
       )
       select (select coalesce(json_agg(id order by i), '[]') from indexed) as ids,
              (select '{' || coalesce(string_agg('"' || student_id || '":[[' || cells || ']]', ','), '') || '}' from per_student) as cells`,
      params,
    );
    const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
    return { homeworkIds: parse(row!.ids) as string[], byStudent: parse(row!.cells) as HomeworkCells['byStudent'] };
  }
}
