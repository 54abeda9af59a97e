import { randomUUID } from 'node:crypto';
import type { TestApp } from '../setup/app.js';
import { buildStudent, buildTeacher, type BuiltUser } from './users.js';

type Connection = ReturnType<ReturnType<TestApp['infra']['orm']['em']['fork']>['getConnection']>;
const sql = (app: TestApp): Connection => app.infra.orm.em.fork().getConnection();

export interface BuiltLesson {
  id: string;
  groupId: string;
  groupName: string;
  title: string;
  startAt: Date;
  endAt: Date;
  teacher: BuiltUser;
  students: BuiltUser[];
}

/**
 * A stored lesson with its group (and students) inserted directly, so pool tests do not depend on
 * the schedule API. Starts at the app clock's now by default and lasts an hour.
 */
export async function buildLesson(
  app: TestApp,
  options: { teacher?: BuiltUser; students?: number; startAt?: Date; minutes?: number; title?: string; groupId?: string } = {},
): Promise<BuiltLesson> {
  const teacher = options.teacher ?? (await buildTeacher(app));
  const startAt = options.startAt ?? app.clock.now();
  const endAt = new Date(startAt.getTime() + (options.minutes ?? 60) * 60_000);
  const title = options.title ?? `Lesson ${randomUUID().slice(0, 6)}`;
  const groupName = `Group ${randomUUID().slice(0, 6)}`;
  const students: BuiltUser[] = [];
  let groupId = options.groupId;
  if (!groupId) {
    groupId = randomUUID();
    await sql(app).execute(`insert into groups (id, teacher_id, name, invite_code) values (?, ?, ?, ?)`, [groupId, teacher.user.id, groupName, randomUUID()]);
    for (let i = 0; i < (options.students ?? 0); i += 1) {
      const student = await buildStudent(app);
      await sql(app).execute(`insert into group_members (group_id, student_id) values (?, ?)`, [groupId, student.user.id]);
      students.push(student);
    }
  }
  const id = randomUUID();
  await sql(app).execute(`insert into lessons (id, group_id, teacher_id, title, start_at, end_at) values (?, ?, ?, ?, ?, ?)`, [id, groupId, teacher.user.id, title, startAt, endAt]);
  return { id, groupId, groupName, title, startAt, endAt, teacher, students };
}

/** A meeting account inserted directly (demo provider by default). */
export async function buildAccount(app: TestApp, options: { capacity?: number; label?: string; active?: boolean; provider?: 'demo' | 'zoom' } = {}): Promise<{ id: string; label: string }> {
  const id = randomUUID();
  const label = options.label ?? `Room ${id.slice(0, 6)}`;
  await sql(app).execute(
    `insert into meeting_accounts (id, provider, label, email, capacity, active) values (?, ?, ?, ?, ?, ?)`,
    [id, options.provider ?? 'demo', label, `${id.slice(0, 8)}@rooms.test`, options.capacity ?? 1, options.active ?? true],
  );
  return { id, label };
}

export async function buildAccounts(app: TestApp, count: number, options: { capacity?: number } = {}) {
  const accounts = [];
  for (let i = 0; i < count; i += 1) accounts.push(await buildAccount(app, { ...options, label: `Room ${String(i + 1).padStart(3, '0')}` }));
  return accounts;
}

export interface LeaseRecord {
  id: string;
  account_id: string;
  slot: number;
  lesson_id: string;
  released_at: Date | null;
  release_reason: string | null;
  meeting_id: string | null;
}

export async function leasesOf(app: TestApp, where = 'true', params: unknown[] = []): Promise<LeaseRecord[]> {
  return sql(app).execute<LeaseRecord[]>(`select * from meeting_leases where ${where} order by acquired_at`, params);
}

/** Accounts holding more active leases than their capacity: must always be empty. */
export async function overbookedAccounts(app: TestApp): Promise<Array<{ account_id: string; active: number; capacity: number }>> {
  return sql(app).execute(
    `select ml.account_id, count(*)::int as active, a.capacity
       from meeting_leases ml join meeting_accounts a on a.id = ml.account_id
      where ml.released_at is null group by ml.account_id, a.capacity having count(*) > a.capacity`,
  );
}

export async function lessonRow(app: TestApp, id: string): Promise<Record<string, unknown>> {
  const rows = await sql(app).execute<Array<Record<string, unknown>>>(`select * from lessons where id = ?`, [id]);
  return rows[0]!;
}
