import type { EntityManager } from '@mikro-orm/postgresql';
import type { GradeBy, HomeworkStatus, QuestionBody, ReleaseResults } from '@tp/shared';
import type { Orm } from '../../infra/db.js';

export type Row = Record<string, unknown>;

export interface HomeworkRow {
  id: string;
  teacherId: string;
  groupId: string;
  groupName: string;
  lessonId: string | null;
  title: string;
  instructions: string;
  opensAt: Date | null;
  dueAt: Date | null;
  attemptsAllowed: number;
  gradeBy: GradeBy;
  releaseResults: ReleaseResults;
  status: HomeworkStatus;
  publishedAt: Date | null;
  resultsReleasedAt: Date | null;
  createdAt: Date;
  questionCount: number;
  maxH: number;
}

export interface QuestionRow {
  id: string;
  homeworkId: string;
  position: number;
  pointsH: number;
  body: QuestionBody;
}

export type HomeworkWrite = Partial<{
  lessonId: string | null;
  title: string;
  instructions: string;
  opensAt: Date | null;
  dueAt: Date | null;
  attemptsAllowed: number;
  gradeBy: GradeBy;
  releaseResults: ReleaseResults;
  status: HomeworkStatus;
  publishedAt: Date;
  closedAt: Date;
  resultsReleasedAt: Date;
}>;

const COLUMNS: Record<keyof HomeworkWrite, string> = {
  lessonId: 'lesson_id',
  title: 'title',
  instructions: 'instructions',
  opensAt: 'opens_at',
  dueAt: 'due_at',
  attemptsAllowed: 'attempts_allowed',
  gradeBy: 'grade_by',
  releaseResults: 'release_results',
  status: 'status',
  publishedAt: 'published_at',
  closedAt: 'closed_at',
  resultsReleasedAt: 'results_released_at',
};

const date = (value: unknown) => (value ? new Date(value as string) : null);
/** A uuid[] parameter as PostgreSQL's array literal (the driver would spread a JS array). */
export const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;

const HOMEWORK_SELECT = `
  select h.*, g.name as group_name,
         (select count(*) from homework_questions q where q.homework_id = h.id)::int as question_count,
         (select coalesce(sum(q.points_h), 0) from homework_questions q where q.homework_id = h.id)::int as max_h
  from homework h join groups g on g.id = h.group_id`;

function toHomework(row: Row): HomeworkRow {
  return {
    id: row.id as string,
    teacherId: row.teacher_id as string,
    groupId: row.group_id as string,
    groupName: row.group_name as string,
    lessonId: (row.lesson_id as string | null) ?? null,
    title: row.title as string,
    instructions: row.instructions as string,
    opensAt: date(row.opens_at),
    dueAt: date(row.due_at),
    attemptsAllowed: Number(row.attempts_allowed),
    gradeBy: row.grade_by as GradeBy,
    releaseResults: row.release_results as ReleaseResults,
    status: row.status as HomeworkStatus,
    publishedAt: date(row.published_at),
    resultsReleasedAt: date(row.results_released_at),
    createdAt: new Date(row.created_at as string),
    questionCount: Number(row.question_count),
    maxH: Number(row.max_h),
  };
}

export const toQuestion = (row: Row): QuestionRow => ({
  id: row.id as string,
  homeworkId: row.homework_id as string,
  position: Number(row.position),
  pointsH: Number(row.points_h),
  body: row.body as QuestionBody,
});

/** SQL for homework and its questions. */
export class HomeworkRepository {
  constructor(private readonly orm: Orm) {}

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return (this.orm.em.fork() as EntityManager).transactional((em) => fn(em as EntityManager));
  }

  run(sql: string, params: unknown[] = [], em?: EntityManager): Promise<Row[]> {
    const target = em ?? (this.orm.em.fork() as EntityManager);
    return target.getConnection().execute(sql, params, 'all', target.getTransactionContext());
  }

  async insert(row: { id: string; teacherId: string; groupId: string; createdAt: Date } & HomeworkWrite): Promise<void> {
    const { id, teacherId, groupId, createdAt, ...rest } = row;
    const keys = Object.keys(rest).filter((k) => rest[k as keyof HomeworkWrite] !== undefined) as Array<keyof HomeworkWrite>;
    const columns = ['id', 'teacher_id', 'group_id', 'created_at', ...keys.map((k) => COLUMNS[k])];
    const values = [id, teacherId, groupId, createdAt, ...keys.map((k) => rest[k])];
    await this.run(`insert into homework (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`, values);
  }

  /** Writes the given fields; `onlyIf` adds a guard (e.g. a status) and the result says whether a row matched. */
  async update(id: string, changes: HomeworkWrite, em?: EntityManager, onlyIf = ''): Promise<boolean> {
    const keys = (Object.keys(changes) as Array<keyof HomeworkWrite>).filter((k) => changes[k] !== undefined);
    if (!keys.length) return true;
    const rows = await this.run(
      `update homework set ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} where id = ? ${onlyIf} returning id`,
      [...keys.map((k) => changes[k]), id],
      em,
    );
    return rows.length > 0;
  }

  async find(id: string, em?: EntityManager): Promise<HomeworkRow | null> {
    const [row] = await this.run(`${HOMEWORK_SELECT} where h.id = ?`, [id], em);
    return row ? toHomework(row) : null;
  }

  async list(filter: { teacherId?: string; groupId?: string; groupIds?: string[]; publishedOnly?: boolean }): Promise<HomeworkRow[]> {
    const conditions: Array<[string, unknown[]]> = [
      ...(filter.teacherId ? [['h.teacher_id = ?', [filter.teacherId]] as [string, unknown[]]] : []),
      ...(filter.groupId ? [['h.group_id = ?', [filter.groupId]] as [string, unknown[]]] : []),
      ...(filter.groupIds ? [['h.group_id = any(?::uuid[])', [uuidArray(filter.groupIds)]] as [string, unknown[]]] : []),
      ...(filter.publishedOnly ? [[`h.status <> 'draft'`, []] as [string, unknown[]]] : []),
    ];
    const where = conditions.map(([sql]) => sql);
    const params = conditions.flatMap(([, values]) => values);
    const rows = await this.run(`${HOMEWORK_SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by h.due_at desc nulls first, h.created_at desc limit 500`, params);
    return rows.map(toHomework);
  }

  async questions(homeworkId: string, em?: EntityManager): Promise<QuestionRow[]> {
    const rows = await this.run(`select * from homework_questions where homework_id = ? order by position, id`, [homeworkId], em);
    return rows.map(toQuestion);
  }

  async insertQuestions(homeworkId: string, questions: Array<{ id: string; pointsH: number; body: QuestionBody }>, em?: EntityManager): Promise<void> {
    if (!questions.length) return;
    const [{ next }] = await this.run(`select coalesce(max(position), 0)::int + 1 as next from homework_questions where homework_id = ?`, [homeworkId], em);
    const values = questions.map(() => '(?, ?, ?, ?, ?, ?::jsonb)').join(', ');
    const params = questions.flatMap((q, i) => [q.id, homeworkId, Number(next) + i, q.body.type, q.pointsH, JSON.stringify(q.body)]);
    await this.run(`insert into homework_questions (id, homework_id, position, type, points_h, body) values ${values}`, params, em);
  }

  async updateQuestion(questionId: string, pointsH: number, body: QuestionBody, em?: EntityManager): Promise<void> {
    await this.run(`update homework_questions set type = ?, points_h = ?, body = ?::jsonb where id = ?`, [body.type, pointsH, JSON.stringify(body), questionId], em);
  }

  async deleteQuestion(questionId: string): Promise<void> {
    await this.run(`delete from homework_questions where id = ?`, [questionId]);
  }

  async reorder(homeworkId: string, questionIds: string[]): Promise<void> {
    await this.run(
      `update homework_questions q set position = o.position from unnest(?::uuid[]) with ordinality as o(id, position)
       where q.id = o.id and q.homework_id = ?`,
      [uuidArray(questionIds), homeworkId],
    );
  }

  async attemptCount(homeworkId: string): Promise<number> {
    const [row] = await this.run(`select count(*)::int as n from homework_attempts where homework_id = ?`, [homeworkId]);
    return Number(row.n);
  }
}
