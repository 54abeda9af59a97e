import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '@tp/shared';
import type { Orm } from '../../infra/db.js';
import type { Person } from './chat.repository.js';

type Row = Record<string, unknown>;

const person = (row: Row): Person => ({ id: String(row.id), firstName: String(row.first_name), lastName: String(row.last_name), role: row.role as Role });

/** SQL of who may talk to whom: 1:1 permissions, contacts, presence watchers, the per-group switch. */
export class ChatPeopleRepository {
  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[] = []): Promise<Row[]> {
    const em = this.orm.em.fork() as EntityManager;
    return em.getConnection().execute(sql, params, 'all');
  }

  /**
   * Whether two people may talk 1:1 now: an admin with anyone; a teacher with a student of one of
   * their groups; two students sharing a group whose teacher allows it. Archived groups count for nothing.
   */
  async mayTalk(userA: string, userB: string): Promise<boolean> {
    const rows = await this.run(
      `with p as (select ?::uuid as a, ?::uuid as b)
       select (select role from users where id = p.a and active) as ra,
              (select role from users where id = p.b and active) as rb,
              exists (select 1 from groups g join group_members gm on gm.group_id = g.id
                       where g.archived_at is null
                         and ((g.teacher_id = p.a and gm.student_id = p.b) or (g.teacher_id = p.b and gm.student_id = p.a))) as teaches,
              exists (select 1 from group_members m1 join group_members m2 on m2.group_id = m1.group_id
                        join groups g on g.id = m1.group_id left join chat_group_settings s on s.group_id = g.id
                       where m1.student_id = p.a and m2.student_id = p.b and g.archived_at is null
                         and coalesce(s.students_direct, true)) as classmates
         from p`,
      [userA, userB],
    );
    const row = rows[0]!;
    if (!row.ra || !row.rb || userA === userB) return false;
    if (row.ra === 'admin' || row.rb === 'admin') return true;
    return Boolean(row.teaches) || Boolean(row.classmates);
  }

  /** People the user may open a 1:1 chat with (admins: every active user). */
  async contacts(userId: string, isAdmin: boolean): Promise<Person[]> {
    const rows = await this.run(
      isAdmin
        ? `select id, first_name, last_name, role from users where active and id <> ? order by last_name, first_name limit 1000`
        : `with me as (select ?::uuid as id), near as (
             select g.teacher_id as uid from groups g join group_members gm on gm.group_id = g.id, me where gm.student_id = me.id and g.archived_at is null
             union select m2.student_id from group_members m1 join group_members m2 on m2.group_id = m1.group_id
               join groups g on g.id = m1.group_id left join chat_group_settings s on s.group_id = g.id, me
              where m1.student_id = me.id and g.archived_at is null and coalesce(s.students_direct, true)
             union select gm.student_id from groups g join group_members gm on gm.group_id = g.id, me where g.teacher_id = me.id and g.archived_at is null
             union select id from users where role = 'admin' and active)
           select u.id, u.first_name, u.last_name, u.role from near join users u on u.id = near.uid, me
            where u.id <> me.id and u.active order by u.last_name, u.first_name`,
      [userId],
    );
    return rows.map((row) => person(row));
  }

  /** Everyone who shares a chat or a group with the user: whom their presence concerns. */
  async presenceWatchers(userId: string): Promise<string[]> {
    const rows = await this.run(
      `with me as (select ?::uuid as id)
       select g.teacher_id as uid from groups g join group_members gm on gm.group_id = g.id, me where gm.student_id = me.id
       union select m2.student_id from group_members m1 join group_members m2 on m2.group_id = m1.group_id, me where m1.student_id = me.id
       union select gm.student_id from groups g join group_members gm on gm.group_id = g.id, me where g.teacher_id = me.id
       union select case when c.user_a = me.id then c.user_b else c.user_a end from chats c, me
        where c.kind = 'direct' and (c.user_a = me.id or c.user_b = me.id)`,
      [userId],
    );
    return rows.map((row) => String(row.uid)).filter((id) => id !== userId);
  }

  async studentsDirect(groupId: string): Promise<boolean> {
    const rows = await this.run(`select students_direct from chat_group_settings where group_id = ?`, [groupId]);
    return rows[0] ? Boolean(rows[0].students_direct) : true;
  }

  async setStudentsDirect(groupId: string, allowed: boolean): Promise<void> {
    await this.run(
      `insert into chat_group_settings (group_id, students_direct) values (?, ?) on conflict (group_id) do update set students_direct = excluded.students_direct`,
      [groupId, allowed],
    );
  }
}
