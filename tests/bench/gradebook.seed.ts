import pg from 'pg';
import { randomUUID } from 'node:crypto';

export interface SeededGroup {
  teacherId: string;
  groupId: string;
  studentIds: string[];
  lessonIds: string[];
}

const DAY_MS = 86_400_000;
const pick = <T>(weighted: Array<[T, number]>): T => {
  let r = Math.random() * weighted.reduce((n, [, w]) => n + w, 0);
  for (const [value, weight] of weighted) if ((r -= weight) <= 0) return value;
  return weighted[0]![0];
};

/**
 * A group of `students` with `lessons` marked lessons, `homework` published and graded homework and
 * `controls` scored control points (a term's worth: mostly present, most homework done, a few missed
 * and excused), written with set-based SQL.
 */
export async function seedGradebook(url: string, counts: { students: number; lessons: number; homework: number; controls: number }, now: Date): Promise<SeededGroup> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const teacherId = randomUUID();
    const studentIds = Array.from({ length: counts.students }, () => randomUUID());
    const surnames = ['Иванов', 'Петрова', 'Smith', 'Кузнецов', 'Соколова', 'García', 'Попов', 'Лебедева'];
    await db.query(
      `insert into users (id, email, role, first_name, last_name) select id, 'u-' || id || '@bench.test', r, 'Имя' || n, ($3::text[])[1 + (n % array_length($3::text[], 1))] || n
       from unnest($1::uuid[], $2::text[]) with ordinality as u(id, r, n)`,
      [[teacherId, ...studentIds], ['teacher', ...studentIds.map(() => 'student')], surnames],
    );
    const groupId = randomUUID();
    await db.query(`insert into groups (id, teacher_id, name, invite_code) values ($1, $2, 'Группа 11А', $3)`, [groupId, teacherId, groupId.slice(0, 16)]);
    await db.query(`insert into group_members (group_id, student_id) select $1, id from unnest($2::uuid[]) id`, [groupId, studentIds]);

    const start = now.getTime() - (counts.lessons + 2) * DAY_MS;
    const lessonIds = Array.from({ length: counts.lessons }, () => randomUUID());
    await db.query(
      `insert into lessons (id, group_id, teacher_id, title, start_at, end_at, status)
       select id, $2, $3, 'Урок ' || n, to_timestamp($4 / 1000.0) + (n || ' days')::interval, to_timestamp($4 / 1000.0) + (n || ' days')::interval + interval '90 minutes', 'completed'
       from unnest($1::uuid[]) with ordinality as l(id, n)`,
      [lessonIds, groupId, teacherId, start],
    );
    const marks = lessonIds.flatMap((lessonId) => studentIds.map((studentId) => [lessonId, studentId, pick([['present', 80], ['late', 8], ['excused', 4], ['absent', 8]])]));
    await db.query(
      `insert into attendance_marks (lesson_id, student_id, group_id, status, marked_by, marked_at)
       select l, s, $4, st, $5, $6 from unnest($1::uuid[], $2::uuid[], $3::text[]) as m(l, s, st)`,
      [marks.map((m) => m[0]), marks.map((m) => m[1]), marks.map((m) => m[2]), groupId, teacherId, now],
    );

    const homeworkIds = Array.from({ length: counts.homework }, () => randomUUID());
    await db.query(
      `insert into homework (id, teacher_id, group_id, title, due_at, status, published_at)
       select id, $2, $3, 'Домашнее задание ' || n, to_timestamp($4 / 1000.0) + (n || ' days')::interval, 'published', to_timestamp($4 / 1000.0)
       from unnest($1::uuid[]) with ordinality as h(id, n)`,
      [homeworkIds, teacherId, groupId, start],
    );
    await db.query(`insert into homework_questions (id, homework_id, position, type, points_h, body) select gen_random_uuid(), id, 1, 'true_false', 1000, '{}'::jsonb from unnest($1::uuid[]) id`, [homeworkIds]);
    const outcomes = homeworkIds.flatMap((homeworkId) => studentIds.map((studentId) => [homeworkId, studentId, pick([['graded', 85], ['missed', 10], ['excused', 3], ['none', 2]])]));
    const graded = outcomes.filter((o) => o[2] === 'graded');
    await db.query(
      `insert into homework_attempts (id, homework_id, student_id, number, state, seed, started_at, submitted_at, score_h, max_h)
       select gen_random_uuid(), h, s, 1, 'graded', 1, $3, $3, (random() * 1000)::int, 1000 from unnest($1::uuid[], $2::uuid[]) as a(h, s)`,
      [graded.map((o) => o[0]), graded.map((o) => o[1]), now],
    );
    const marked = outcomes.filter((o) => o[2] === 'missed' || o[2] === 'excused');
    await db.query(
      `insert into homework_students (homework_id, student_id, excused, missed_at, backlog_until, closed_at)
       select h, s, k = 'excused', case when k = 'missed' then $4::timestamptz end, case when k = 'missed' then $4::timestamptz end, case when k = 'missed' then $4::timestamptz end
       from unnest($1::uuid[], $2::uuid[], $3::text[]) as x(h, s, k)`,
      [marked.map((o) => o[0]), marked.map((o) => o[1]), marked.map((o) => o[2]), now],
    );

    const controlIds = Array.from({ length: counts.controls }, () => randomUUID());
    await db.query(
      `insert into control_points (id, group_id, title, kind, max_points_h, weight_h, date, created_by, created_at)
       select id, $2, 'Контрольная ' || n, (array['exam','test','essay','oral'])[1 + n % 4], 10000, 100 * (1 + n % 3), (to_timestamp($4 / 1000.0) + (n * 2 || ' days')::interval)::date, $3, $5
       from unnest($1::uuid[]) with ordinality as c(id, n)`,
      [controlIds, groupId, teacherId, start, now],
    );
    await db.query(
      `insert into control_point_scores (control_point_id, student_id, points_h, excused, updated_by, updated_at)
       select c, s, case when random() < 0.03 then null else (4000 + random() * 6000)::int end, false, $3, $4
       from unnest($1::uuid[]) c cross join unnest($2::uuid[]) s where random() < 0.95`,
      [controlIds, studentIds, teacherId, now],
    );
    await db.query(`update control_point_scores set excused = true where points_h is null`);
    await db.query('analyze');
    return { teacherId, groupId, studentIds, lessonIds };
  } finally {
    await db.end();
  }
}
