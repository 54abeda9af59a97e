import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../infra/db.js';

type Row = Record<string, unknown>;

export interface GroupRow {
  id: string;
  name: string;
  teacherId: string;
  teacherName: string;
  inviteCode: string;
  archivedAt: Date | null;
  createdAt: Date;
  studentCount: number;
}

export interface MemberRow {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

const GROUP_SELECT = `
  select g.id, g.name, g.teacher_id, u.first_name || ' ' || u.last_name as teacher_name, g.invite_code,
         g.archived_at, g.created_at, (select count(*) from group_members m where m.group_id = g.id)::int as student_count
  from groups g join users u on u.id = g.teacher_id`;

function toGroup(row: Row): GroupRow {
  return {
    id: row.id as string,
    name: row.name as string,
    teacherId: row.teacher_id as string,
    teacherName: row.teacher_name as string,
    inviteCode: row.invite_code as string,
    archivedAt: row.archived_at ? new Date(row.archived_at as string) : null,
    createdAt: new Date(row.created_at as string),
    studentCount: Number(row.student_count),
  };
}

/** The only place that speaks SQL for groups and their members. */
export class GroupsRepository {
  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[] = [], em?: EntityManager): Promise<Row[]> {
    const target = em ?? (this.orm.em.fork() as EntityManager);
    return target.getConnection().execute(sql, params, 'all', target.getTransactionContext());
  }

  async insert(group: { id: string; teacherId: string; name: string; inviteCode: string }): Promise<void> {
    await this.run(`insert into groups (id, teacher_id, name, invite_code, created_at) values (?, ?, ?, ?, now())`, [
      group.id,
      group.teacherId,
      group.name,
      group.inviteCode,
    ]);
  }

  async find(id: string): Promise<GroupRow | null> {
    const rows = await this.run(`${GROUP_SELECT} where g.id = ?`, [id]);
    return rows[0] ? toGroup(rows[0]) : null;
  }

  async findByInviteCode(code: string): Promise<GroupRow | null> {
    const rows = await this.run(`${GROUP_SELECT} where g.invite_code = ?`, [code]);
    return rows[0] ? toGroup(rows[0]) : null;
  }

  async list(filter: { teacherId?: string; studentId?: string; archived?: boolean }): Promise<GroupRow[]> {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (filter.teacherId) {
      parts.push('g.teacher_id = ?');
      params.push(filter.teacherId);
    }
    if (filter.studentId) {
      parts.push('g.id in (select group_id from group_members where student_id = ?)');
      params.push(filter.studentId);
    }
    if (filter.archived !== undefined) parts.push(filter.archived ? 'g.archived_at is not null' : 'g.archived_at is null');
    const where = parts.length ? ` where ${parts.join(' and ')}` : '';
    return (await this.run(`${GROUP_SELECT}${where} order by g.created_at, g.id`, params)).map(toGroup);
  }

  async update(id: string, fields: { name?: string; archivedAt?: Date | null }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (fields.name !== undefined) {
      sets.push('name = ?');
      params.push(fields.name);
    }
    if (fields.archivedAt !== undefined) {
      sets.push('archived_at = ?::timestamptz');
      params.push(fields.archivedAt?.toISOString() ?? null);
    }
    if (!sets.length) return;
    await this.run(`update groups set ${sets.join(', ')} where id = ?`, [...params, id]);
  }

  async setInviteCode(id: string, code: string): Promise<void> {
    await this.run(`update groups set invite_code = ? where id = ?`, [code, id]);
  }

  async members(groupId: string): Promise<MemberRow[]> {
    const rows = await this.run(
      `select u.id, u.email, u.first_name, u.last_name from group_members m join users u on u.id = m.student_id
       where m.group_id = ? order by u.last_name, u.first_name, u.id`,
      [groupId],
    );
    return rows.map((row) => ({ id: row.id as string, email: row.email as string, firstName: row.first_name as string, lastName: row.last_name as string }));
  }

  /** Active students of the group with what a message to them needs. */
  async recipients(groupId: string): Promise<Array<{ id: string; email: string; firstName: string; locale: string }>> {
    const rows = await this.run(
      `select u.id, u.email, u.first_name, u.locale from group_members m join users u on u.id = m.student_id
       where m.group_id = ? and u.active order by u.id`,
      [groupId],
    );
    return rows.map((row) => ({ id: row.id as string, email: row.email as string, firstName: row.first_name as string, locale: row.locale as string }));
  }

  async findStudentByEmail(email: string): Promise<MemberRow | null> {
    const rows = await this.run(`select id, email, first_name, last_name from users where email = ? and role = 'student' and active`, [email]);
    const row = rows[0];
    return row ? { id: row.id as string, email: row.email as string, firstName: row.first_name as string, lastName: row.last_name as string } : null;
  }

  /** Returns whether the student was not a member before. */
  async addMember(groupId: string, studentId: string): Promise<boolean> {
    const rows = await this.run(
      `insert into group_members (group_id, student_id, joined_at) values (?, ?, now()) on conflict do nothing returning student_id`,
      [groupId, studentId],
    );
    return rows.length === 1;
  }

  /** Returns whether the student was a member. */
  async removeMember(groupId: string, studentId: string): Promise<boolean> {
    const rows = await this.run(`delete from group_members where group_id = ? and student_id = ? returning student_id`, [groupId, studentId]);
    return rows.length === 1;
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    const rows = await this.run(`select 1 from group_members where group_id = ? and student_id = ?`, [groupId, userId]);
    return rows.length > 0;
  }

  async studentIds(groupId: string): Promise<string[]> {
    const rows = await this.run(`select student_id from group_members where group_id = ? order by student_id`, [groupId]);
    return rows.map((row) => row.student_id as string);
  }

  async groupIdsForStudent(userId: string): Promise<string[]> {
    const rows = await this.run(
      `select group_id from group_members where student_id = ? order by group_id`,
      [userId],
    );
    return rows.map((row) => row.group_id as string);
  }
}
