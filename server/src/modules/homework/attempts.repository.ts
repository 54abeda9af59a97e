import type { EntityManager } from '@mikro-orm/postgresql';
import type { QuestionBody } from '@tp/shared';
import { uuidArray, type HomeworkRepository, type Row } from './homework.repository.js';

export interface AttemptRow {
  id: string;
  homeworkId: string;
  studentId: string;
  number: number;
  state: 'in_progress' | 'submitted' | 'graded';
  seed: number;
  startedAt: Date;
  submittedAt: Date | null;
  late: boolean;
  scoreH: number | null;
  maxH: number;
  pendingManual: number;
}

export interface AnswerRow {
  attemptId: string;
  questionId: string;
  answer: unknown;
  scoreH: number | null;
  feedback: string | null;
  comment: string | null;
}

/** What a save needs to check, read in one query. */
export interface SaveContext {
  studentId: string;
  state: string;
  homeworkId: string;
  homeworkStatus: string;
  body: QuestionBody | null;
}

export const toAttempt = (row: Row): AttemptRow => ({
  id: row.id as string,
  homeworkId: row.homework_id as string,
  studentId: row.student_id as string,
  number: Number(row.number),
  state: row.state as AttemptRow['state'],
  seed: Number(row.seed),
  startedAt: new Date(row.started_at as string),
  submittedAt: row.submitted_at ? new Date(row.submitted_at as string) : null,
  late: Boolean(row.late),
  scoreH: row.score_h === null ? null : Number(row.score_h),
  maxH: Number(row.max_h),
  pendingManual: Number(row.pending_manual),
});

const toAnswer = (row: Row): AnswerRow => ({
  attemptId: row.attempt_id as string,
  questionId: row.question_id as string,
  answer: row.answer,
  scoreH: row.score_h === null ? null : Number(row.score_h),
  feedback: (row.feedback as string | null) ?? null,
  comment: (row.comment as string | null) ?? null,
});

/** SQL for attempts and answers (over the homework repository's connection helpers). */
export class AttemptsRepository {
  constructor(private readonly base: HomeworkRepository) {}

  /** Opens attempt `number`; null when another open attempt exists already (two tabs). */
  async open(row: { id: string; homeworkId: string; studentId: string; seed: number; startedAt: Date }): Promise<AttemptRow | null> {
    const rows = await this.base.run(
      `insert into homework_attempts (id, homework_id, student_id, number, seed, started_at)
       select ?, ?, ?, coalesce(max(number), 0) + 1, ?, ? from homework_attempts where homework_id = ? and student_id = ?
       on conflict do nothing returning *`,
      [row.id, row.homeworkId, row.studentId, row.seed, row.startedAt, row.homeworkId, row.studentId],
    );
    return rows[0] ? toAttempt(rows[0]) : null;
  }

  /** Submits take a shared lock on the homework, a key change an exclusive one: a submit never grades with a key being replaced. */
  async lockHomework(em: EntityManager, homeworkId: string, mode: 'share' | 'update'): Promise<void> {
    await this.base.run(`select id from homework where id = ? for ${mode === 'share' ? 'share' : 'update'}`, [homeworkId], em);
  }

  async find(id: string, em?: EntityManager): Promise<AttemptRow | null> {
    const [row] = await this.base.run(`select * from homework_attempts where id = ?`, [id], em);
    return row ? toAttempt(row) : null;
  }

  async ofStudent(homeworkId: string, studentId: string): Promise<AttemptRow[]> {
    const rows = await this.base.run(`select * from homework_attempts where homework_id = ? and student_id = ? order by number`, [homeworkId, studentId]);
    return rows.map(toAttempt);
  }

  async answers(attemptIds: string[], em?: EntityManager): Promise<AnswerRow[]> {
    if (!attemptIds.length) return [];
    const rows = await this.base.run(`select * from homework_answers where attempt_id = any(?::uuid[])`, [uuidArray(attemptIds)], em);
    return rows.map(toAnswer);
  }

  async saveContext(attemptId: string, questionId: string): Promise<SaveContext | null> {
    const [row] = await this.base.run(
      `select a.student_id, a.state, a.homework_id, h.status, q.body
       from homework_attempts a join homework h on h.id = a.homework_id
       left join homework_questions q on q.id = ? and q.homework_id = a.homework_id
       where a.id = ?`,
      [questionId, attemptId],
    );
    if (!row) return null;
    return { studentId: row.student_id as string, state: row.state as string, homeworkId: row.homework_id as string, homeworkStatus: row.status as string, body: (row.body as QuestionBody | null) ?? null };
  }

  /** The autosave: one small upsert, guarded so a submitted attempt never changes. */
  async saveAnswer(attemptId: string, questionId: string, answer: unknown, at: Date): Promise<boolean> {
    const rows = await this.base.run(
      `insert into homework_answers (attempt_id, question_id, answer, saved_at)
       select ?, ?, ?::jsonb, ? where exists (select 1 from homework_attempts where id = ? and state = 'in_progress')
       on conflict (attempt_id, question_id) do update set answer = excluded.answer, saved_at = excluded.saved_at
       returning attempt_id`,
      [attemptId, questionId, JSON.stringify(answer), at, attemptId],
    );
    return rows.length > 0;
  }

  /** Closes the attempt for grading; false when it was not open (a second submit). Locks the row. */
  async markSubmitted(em: EntityManager, attemptId: string, at: Date, late: boolean): Promise<boolean> {
    const rows = await this.base.run(
      `update homework_attempts set state = 'submitted', submitted_at = ?, late = ? where id = ? and state = 'in_progress' returning id`,
      [at, late, attemptId],
      em,
    );
    return rows.length > 0;
  }

  /** Writes every graded answer of attempts at once (answers not saved yet are inserted as empty). */
  async writeScores(em: EntityManager, scores: Array<{ attemptId: string; questionId: string; scoreH: number | null; feedback: string | null; answer: unknown }>, at: Date): Promise<void> {
    if (!scores.length) return;
    await this.base.run(
      `insert into homework_answers (attempt_id, question_id, answer, saved_at, score_h, feedback)
       select s.attempt_id, s.question_id, coalesce(s.answer, 'null'::jsonb), ?, s.score_h, s.feedback
       from jsonb_to_recordset(?::jsonb) as s(attempt_id uuid, question_id uuid, answer jsonb, score_h int, feedback text)
       on conflict (attempt_id, question_id) do update set score_h = excluded.score_h, feedback = excluded.feedback`,
      [at, JSON.stringify(scores.map((s) => ({ attempt_id: s.attemptId, question_id: s.questionId, answer: s.answer ?? null, score_h: s.scoreH, feedback: s.feedback })))],
      em,
    );
  }

  async setTeacherGrade(em: EntityManager, attemptId: string, questionId: string, scoreH: number, comment: string | null, at: Date): Promise<void> {
    await this.base.run(
      `insert into homework_answers (attempt_id, question_id, answer, saved_at, score_h, comment) values (?, ?, 'null'::jsonb, ?, ?, ?)
       on conflict (attempt_id, question_id) do update set score_h = excluded.score_h, comment = excluded.comment`,
      [attemptId, questionId, at, scoreH, comment],
      em,
    );
  }

  /** Recomputes attempts' totals from their answers: pending = free text without a score. */
  async recomputeTotals(em: EntityManager, attemptIds: string[]): Promise<AttemptRow[]> {
    if (!attemptIds.length) return [];
    const rows = await this.base.run(
      `update homework_attempts a set
         score_h = greatest(0, t.score_h), max_h = t.max_h, pending_manual = t.pending,
         state = case when a.state = 'in_progress' then 'in_progress' when t.pending > 0 then 'submitted' else 'graded' end
       from (
         select a2.id,
                coalesce(sum(an.score_h), 0)::int as score_h,
                coalesce(sum(q.points_h), 0)::int as max_h,
                count(*) filter (where q.type = 'free_text' and an.score_h is null)::int as pending
         from homework_attempts a2
         join homework_questions q on q.homework_id = a2.homework_id
         left join homework_answers an on an.attempt_id = a2.id and an.question_id = q.id
         where a2.id = any(?::uuid[])
         group by a2.id
       ) t
       where a.id = t.id returning a.*`,
      [uuidArray(attemptIds)],
      em,
    );
    return rows.map(toAttempt);
  }

  /** Every submitted attempt's answer to a question (for a regrade), locked for the transaction. */
  async submittedAnswersTo(em: EntityManager, questionId: string, homeworkId: string): Promise<Array<{ attemptId: string; answer: unknown }>> {
    const rows = await this.base.run(
      `select a.id as attempt_id, an.answer from homework_attempts a
       left join homework_answers an on an.attempt_id = a.id and an.question_id = ?
       where a.homework_id = ? and a.state <> 'in_progress' for update of a`,
      [questionId, homeworkId],
      em,
    );
    return rows.map((r) => ({ attemptId: r.attempt_id as string, answer: r.answer ?? null }));
  }
}
