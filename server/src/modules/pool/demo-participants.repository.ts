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

  /**
   * Students' stays in any of the lesson's demo meetings (attendance suggestions): each page kept open,
   * from `meeting:enter` to its leave (null while there), and the first page load as a moment (it is
   * the join). Someone whose page never reported over a socket counts from that load on.
   */
  async studentJoins(lessonId: string): Promise<Array<{ userId: string; joinedAt: Date; leftAt: Date | null }>> {
    const rows = await this.run(
      `select user_id, joined_at, left_at from demo_meeting_stays where lesson_id = ? and role = 'student'
       union all
       select p.user_id, min(p.joined_at),
              case when exists (select 1 from demo_meeting_stays s where s.lesson_id = p.lesson_id and s.user_id = p.user_id) then min(p.joined_at) end
         from demo_meeting_participants p where p.lesson_id = ? and p.role = 'student' group by p.lesson_id, p.user_id`,
      [lessonId, lessonId],
    );
    return rows.map((row) => ({ userId: String(row.user_id), joinedAt: dateOf(row.joined_at)!, leftAt: dateOf(row.left_at) }));
  }

  /** A page of the meeting is open for this person from `now`; the stay's id closes it. */
  async openStay(stay: { id: string; meetingId: string; lessonId: string; userId: string; role: 'teacher' | 'student' }, now: Date): Promise<void> {
    await this.run(`insert into demo_meeting_stays (id, meeting_id, lesson_id, user_id, role, joined_at) values (?, ?, ?, ?, ?, ?)`, [
      stay.id,
      stay.meetingId,
      stay.lessonId,
      stay.userId,
      stay.role,
      now,
    ]);
  }

  /** The page went away: the stay ends now (a second close changes nothing). */
  async closeStay(id: string, now: Date): Promise<void> {
    await this.run(`update demo_meeting_stays set left_at = greatest(?::timestamptz, joined_at) where id = ? and left_at is null`, [now, id]);
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
      joinedAt: dateOf(row.joined_at)!,
    }));
  }
}

const dateOf = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));
