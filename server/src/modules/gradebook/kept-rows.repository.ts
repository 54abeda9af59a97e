import { averageFromHundredths, type CategoryKey } from '@tp/shared';
import { textArray, type GradebookRepository } from './gradebook.repository.js';

/** A student's kept row: every value in hundredths of a percent (whole numbers, so sums are exact). */
export interface CachedRow {
  studentId: string;
  percents: Record<string, number>;
  attendance: number | null;
  homework: number | null;
  control: number | null;
  total: number | null;
}

/**
 * The per-student rows the live updates start from (`gradebook_rows`), with the sums and counts of
 * every column's and category's percentages (`gradebook_column_stats`, `gradebook_cache`), so one
 * change moves the averages by its difference in a single statement.
 */
export class KeptRowsRepository {
  constructor(private readonly base: GradebookRepository) {}

  /** Whether the kept rows are complete, and the signature of the columns they were computed with. */
  async cacheState(groupId: string): Promise<{ fresh: boolean; signature: string }> {
    const [row] = await this.base.run(`select fresh, signature from gradebook_cache where group_id = ?`, [groupId]);
    return { fresh: Boolean(row?.fresh), signature: (row?.signature as string | undefined) ?? '' };
  }

  /**
   * Replaces every kept row of the group with `rows`, recounts the column and category sums from them
   * and marks the rows fresh, in one statement.
   */
  async replaceRows(groupId: string, rows: CachedRow[], signature: string): Promise<void> {
    await this.base.run(
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
    const [result] = await this.base.run(
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
