import type { AttendanceSettingsDto, AttendanceStatus } from '@tp/shared';
import type { Orm } from '../../infra/db.js';

type Row = Record<string, unknown>;

export const DEFAULT_SETTINGS: AttendanceSettingsDto = { points: { present: 2, late: 1, excused: 1, absent: 0 }, maxPoints: 2, lateAfterMinutes: 10 };

export interface AttendanceLesson {
  id: string;
  groupId: string;
  groupName: string;
  teacherId: string;
  teacherEmail: string;
  title: string;
  startAt: Date;
  endAt: Date;
  status: string;
  startedAt: Date | null;
  meetingId: string | null;
}

export interface MarkRow {
  studentId: string;
  status: AttendanceStatus;
  comment: string | null;
  markedBy: string;
  markedAt: Date;
}

export interface ParticipantRow {
  participantKey: string;
  name: string;
  email: string | null;
  joinedAt: Date;
  leftAt: Date | null;
  /** The teacher's assignment, else the group's student with the same email. */
  studentId: string | null;
  assigned: boolean;
  isTeacher: boolean;
}

const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));
const stringOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** The attendance tables and the few reads of lessons, rosters and meeting participants they need. */
export class AttendanceRepository {
  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.orm.em.fork().getConnection().execute<Row[]>(sql, params);
  }

  async lesson(lessonId: string): Promise<AttendanceLesson | null> {
    const [row] = await this.run(
      `select l.id, l.group_id, g.name as group_name, l.teacher_id, t.email as teacher_email, l.title, l.start_at, l.end_at, l.status, l.started_at, l.meeting_id
         from lessons l join groups g on g.id = l.group_id join users t on t.id = l.teacher_id where l.id = ?`,
      [lessonId],
    );
    if (!row) return null;
    return {
      id: String(row.id),
      groupId: String(row.group_id),
      groupName: String(row.group_name),
      teacherId: String(row.teacher_id),
      teacherEmail: String(row.teacher_email),
      title: String(row.title),
      startAt: date(row.start_at),
      endAt: date(row.end_at),
      status: String(row.status),
      startedAt: dateOrNull(row.started_at),
      meetingId: stringOrNull(row.meeting_id),
    };
  }

  /** The group's students now, by surname. */
  async roster(groupId: string): Promise<Array<{ id: string; name: string; email: string }>> {
    const rows = await this.run(
      `select u.id, u.first_name, u.last_name, u.email from group_members m join users u on u.id = m.student_id
        where m.group_id = ? order by u.last_name, u.first_name, u.id`,
      [groupId],
    );
    return rows.map((row) => ({ id: String(row.id), name: `${String(row.first_name)} ${String(row.last_name)}`.trim(), email: String(row.email) }));
  }

  async settings(groupId: string): Promise<AttendanceSettingsDto> {
    const [row] = await this.run(`select * from attendance_settings where group_id = ?`, [groupId]);
    if (!row) return DEFAULT_SETTINGS;
    return {
      points: { present: Number(row.points_present), late: Number(row.points_late), excused: Number(row.points_excused), absent: Number(row.points_absent) },
      maxPoints: Number(row.max_points),
      lateAfterMinutes: Number(row.late_after_minutes),
    };
  }

  async saveSettings(groupId: string, s: AttendanceSettingsDto, now: Date): Promise<void> {
    await this.run(
      `insert into attendance_settings (group_id, points_present, points_late, points_excused, points_absent, max_points, late_after_minutes, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (group_id) do update set points_present = excluded.points_present, points_late = excluded.points_late,
         points_excused = excluded.points_excused, points_absent = excluded.points_absent, max_points = excluded.max_points,
         late_after_minutes = excluded.late_after_minutes, updated_at = excluded.updated_at`,
      [groupId, s.points.present, s.points.late, s.points.excused, s.points.absent, s.maxPoints, s.lateAfterMinutes, now],
    );
  }

  async marks(lessonId: string): Promise<MarkRow[]> {
    const rows = await this.run(`select student_id, status, comment, marked_by, marked_at from attendance_marks where lesson_id = ? order by student_id`, [lessonId]);
    return rows.map((row) => ({
      studentId: String(row.student_id),
      status: row.status as AttendanceStatus,
      comment: stringOrNull(row.comment),
      markedBy: String(row.marked_by),
      markedAt: date(row.marked_at),
    }));
  }

  /** Every mark of one save in one statement: all rows are written or none. */
  async saveMarks(lesson: { id: string; groupId: string }, marks: Array<{ studentId: string; status: AttendanceStatus; comment: string | null }>, markedBy: string, now: Date): Promise<void> {
    await this.run(
      `insert into attendance_marks (lesson_id, student_id, group_id, status, comment, marked_by, marked_at)
       select ?, m.student_id, ?, m.status, m.comment, ?, ?
         from jsonb_to_recordset(?::jsonb) as m(student_id uuid, status text, comment text)
       on conflict (lesson_id, student_id) do update set status = excluded.status, comment = excluded.comment,
         marked_by = excluded.marked_by, marked_at = excluded.marked_at`,
      [lesson.id, lesson.groupId, markedBy, now, JSON.stringify(marks.map((m) => ({ student_id: m.studentId, status: m.status, comment: m.comment })))],
    );
  }

  /** Each lesson of the group that has marks, with its marked students (for a settings change). */
  async markedByLesson(groupId: string): Promise<Array<{ lessonId: string; studentIds: string[] }>> {
    const rows = await this.run(`select lesson_id, array_agg(student_id::text order by student_id) as ids from attendance_marks where group_id = ? group by lesson_id`, [groupId]);
    return rows.map((row) => ({ lessonId: String(row.lesson_id), studentIds: (row.ids as string[]).map(String) }));
  }

  /** Stored, not cancelled lessons of the group with at least one mark, by start. */
  async gradebookColumns(groupId: string): Promise<Array<{ lessonId: string; title: string; startAt: Date; maxPoints: number }>> {
    const rows = await this.run(
      `select l.id, l.title, l.start_at, coalesce(s.max_points, ?) as max_points
         from lessons l left join attendance_settings s on s.group_id = l.group_id
        where l.group_id = ? and l.status <> 'cancelled' and exists (select 1 from attendance_marks m where m.lesson_id = l.id)
        order by l.start_at, l.id`,
      [DEFAULT_SETTINGS.maxPoints, groupId],
    );
    return rows.map((row) => ({ lessonId: String(row.id), title: String(row.title), startAt: date(row.start_at), maxPoints: Number(row.max_points) }));
  }

  /**
   * The marks of the group's columns with their points under the group's settings; one statement. It
   * answers one JSON value — each lesson id once, then per student `[index, status, comment]` — rather
   * than a row per mark (24,000 rows for 300 students × 80 lessons cost more to ship and parse than to find).
   */
  async gradebookCells(groupId: string, studentId?: string): Promise<Array<{ lessonId: string; studentId: string; status: AttendanceStatus; points: number; comment: string | null }>> {
    const [row] = await this.run(
      `with indexed as (select id, (row_number() over (order by id))::int - 1 as i from lessons where group_id = ? and status <> 'cancelled'),
       -- JSON written as text: several times cheaper for PostgreSQL than json_agg over 24,000 small arrays
       per_student as (
         select m.student_id, string_agg(x.i || ',"' || m.status || '"' || coalesce(',' || to_json(m.comment)::text, ''), '],[') as marks
         from attendance_marks m join indexed x on x.id = m.lesson_id
         where m.group_id = ? ${studentId ? 'and m.student_id = ?' : ''} group by m.student_id
       )
       select (select coalesce(json_agg(id order by i), '[]') from indexed) as ids,
              (select '{' || coalesce(string_agg('"' || student_id || '":[[' || marks || ']]', ','), '') || '}' from per_student) as marks,
              (select json_build_object('present', points_present, 'late', points_late, 'excused', points_excused, 'absent', points_absent)
                 from attendance_settings where group_id = ?) as points`,
      [groupId, groupId, ...(studentId ? [studentId] : []), groupId],
    );
    const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
    const lessonIds = parse(row!.ids) as string[];
    const byStudent = parse(row!.marks) as Record<string, Array<[number, AttendanceStatus, string | null]>>;
    const points = (parse(row!.points) as Record<AttendanceStatus, number> | null) ?? DEFAULT_SETTINGS.points;
    const cells: Array<{ lessonId: string; studentId: string; status: AttendanceStatus; points: number; comment: string | null }> = [];
    for (const student in byStudent) {
      for (const [i, status, comment] of byStudent[student]!) cells.push({ lessonId: lessonIds[i]!, studentId: student, status, points: Number(points[status]), comment });
    }
    return cells;
  }

  /** A student's marks in a group with their lessons, oldest first. */
  async studentMarks(groupId: string, studentId: string): Promise<Array<{ lessonId: string; title: string; startAt: Date; status: AttendanceStatus; comment: string | null }>> {
    const rows = await this.run(
      `select m.lesson_id, l.title, l.start_at, m.status, m.comment from attendance_marks m join lessons l on l.id = m.lesson_id and l.status <> 'cancelled'
        where m.group_id = ? and m.student_id = ? order by l.start_at, l.id`,
      [groupId, studentId],
    );
    return rows.map((row) => ({ lessonId: String(row.lesson_id), title: String(row.title), startAt: date(row.start_at), status: row.status as AttendanceStatus, comment: stringOrNull(row.comment) }));
  }

  async studentGroups(studentId: string): Promise<Array<{ id: string; name: string }>> {
    const rows = await this.run(
      `select g.id, g.name from group_members m join groups g on g.id = m.group_id where m.student_id = ? and g.archived_at is null order by g.name, g.id`,
      [studentId],
    );
    return rows.map((row) => ({ id: String(row.id), name: String(row.name) }));
  }

  // ---- Meeting participants reported by the provider ----

  async recordJoin(p: { lessonId: string; provider: string; meetingId: string; participantKey: string; name: string; email: string | null; at: Date }, id: string): Promise<void> {
    await this.run(
      `insert into meeting_participants (id, lesson_id, provider, meeting_id, participant_key, name, email, joined_at)
       values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (lesson_id, participant_key, joined_at) do nothing`,
      [id, p.lessonId, p.provider, p.meetingId, p.participantKey, p.name, p.email, p.at],
    );
  }

  /** Closes the participant's latest open stay that began before `at`; true when one was open. */
  async recordLeave(lessonId: string, participantKey: string, at: Date): Promise<boolean> {
    const rows = await this.run(
      `update meeting_participants set left_at = ? where id = (
         select id from meeting_participants where lesson_id = ? and participant_key = ? and left_at is null and joined_at <= ?
          order by joined_at desc limit 1) returning id`,
      [at, lessonId, participantKey, at],
    );
    return rows.length > 0;
  }

  async participants(lesson: { id: string; groupId: string; teacherEmail: string }): Promise<ParticipantRow[]> {
    const rows = await this.run(
      `select p.participant_key, p.name, p.email, p.joined_at, p.left_at, p.assigned_student_id,
              (select u.id from group_members gm join users u on u.id = gm.student_id
                where gm.group_id = ? and p.email is not null and u.email = lower(p.email) limit 1) as matched_student_id
         from meeting_participants p where p.lesson_id = ? order by p.joined_at, p.participant_key`,
      [lesson.groupId, lesson.id],
    );
    return rows.map((row) => ({
      participantKey: String(row.participant_key),
      name: String(row.name),
      email: stringOrNull(row.email),
      joinedAt: date(row.joined_at),
      leftAt: dateOrNull(row.left_at),
      studentId: stringOrNull(row.assigned_student_id) ?? stringOrNull(row.matched_student_id),
      assigned: row.assigned_student_id !== null,
      isTeacher: row.email !== null && String(row.email).toLowerCase() === lesson.teacherEmail.toLowerCase(),
    }));
  }

  /** Points every stay of a participant at a student (or back to none); false when the key is unknown. */
  async assignParticipant(lessonId: string, participantKey: string, studentId: string | null): Promise<boolean> {
    const rows = await this.run(`update meeting_participants set assigned_student_id = ? where lesson_id = ? and participant_key = ? returning id`, [studentId, lessonId, participantKey]);
    return rows.length > 0;
  }
}
