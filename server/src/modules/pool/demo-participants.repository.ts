import type { Orm } from '../../infra/db.js';

export interface DemoParticipant {
  userId: string;
  name: string;
  role: 'teacher' | 'student';
  joinedAt: Date;
}

type Row = Record<string, unknown>;

/** Who opened a demo meeting's page as one of its lesson's people: one row per person and meeting. */
export class DemoParticipantsRepository {
  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.orm.em.fork().getConnection().execute<Row[]>(sql, params);
  }

  /** Records the join; true when this person is new to the meeting (a reload only refreshes last_seen_at). */
  async record(meetingId: string, lessonId: string, userId: string, role: 'teacher' | 'student', now: Date): Promise<boolean> {
    const rows = await this.run(
      `insert into demo_meeting_participants (meeting_id, lesson_id, user_id, role, joined_at, last_seen_at)
       values (?, ?, ?, ?, ?, ?)
       on conflict (meeting_id, user_id) do update set last_seen_at = excluded.last_seen_at
       returning (xmax = 0) as inserted`,
      [meetingId, lessonId, userId, role, now, now],
    );
    return Boolean(rows[0]?.inserted);
  }

  /** Students who opened any of the lesson's demo meetings, each with their first join (attendance suggestions). */
  async studentJoins(lessonId: string): Promise<Array<{ userId: string; joinedAt: Date }>> {
    const rows = await this.run(
      `select user_id, min(joined_at) as joined_at from demo_meeting_participants where lesson_id = ? and role = 'student' group by user_id`,
      [lessonId],
    );
    return rows.map((row) => ({ userId: String(row.user_id), joinedAt: row.joined_at instanceof Date ? row.joined_at : new Date(String(row.joined_at)) }));
  }

  /** The meeting's people, the teacher first, then in the order they came. */
  async list(meetingId: string): Promise<DemoParticipant[]> {
    const rows = await this.run(
      `select p.user_id, p.role, p.joined_at, u.first_name, u.last_name
         from demo_meeting_participants p join users u on u.id = p.user_id
        where p.meeting_id = ?
        order by (p.role = 'teacher') desc, p.joined_at, u.last_name`,
      [meetingId],
    );
    return rows.map((row) => ({
      userId: String(row.user_id),
      name: `${String(row.first_name)} ${String(row.last_name)}`.trim(),
      role: row.role as 'teacher' | 'student',
      joinedAt: row.joined_at instanceof Date ? row.joined_at : new Date(String(row.joined_at)),
    }));
  }
}
