import { randomInt, randomUUID } from 'node:crypto';
import { answerSchemas, LIMITS, type AttemptDto, type GradeAnswerBody, type QuestionBody } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { Limiter } from '../../infra/rate-limit.js';
import type { AnswerRow, AttemptRow, AttemptsRepository } from './attempts.repository.js';
import { gradeAnswer, scoreHundredths } from './grading/index.js';
import type { HomeworkEvents } from './homework.events.js';
import type { HomeworkRepository, HomeworkRow, QuestionRow } from './homework.repository.js';
import { presentAttempt, presentTeacherQuestion, toPoints } from './homework.presenter.js';
import type { StandingRepository, StandingRow } from './standing.repository.js';
import { resultsVisible, submissionWindow } from './visibility.js';
import type { Actor } from './homework.service.js';

type Owned = (actor: Actor, homeworkId: string) => Promise<HomeworkRow>;
type Score = { attemptId: string; questionId: string; scoreH: number | null; feedback: string | null; answer: unknown };

/** A question's answer checked against its type and limits; bad input is refused before anything is written. */
export function validAnswer(body: QuestionBody, answer: unknown): unknown {
  const result = answerSchemas[body.type].safeParse(answer);
  if (!result.success) throw new AppError('homework/invalid-answer', `Not an answer to a ${body.type} question`, { fields: { answer: result.error.issues[0]?.message ?? 'invalid' } });
  if (body.type === 'free_text' && body.wordLimit) {
    const words = (result.data as { text: string }).text.trim().split(/\s+/u).filter(Boolean).length;
    if (words > body.wordLimit) throw new AppError('homework/invalid-answer', `At most ${body.wordLimit} words`, { fields: { answer: `${words} words, limit ${body.wordLimit}` } });
  }
  return result.data;
}

/** Scores of every question for one attempt (unanswered questions score 0, free text waits). */
function gradeAll(attemptId: string, questions: QuestionRow[], answers: AnswerRow[]): Score[] {
  const byQuestion = new Map(answers.map((a) => [a.questionId, a.answer]));
  return questions.map((q) => {
    const answer = byQuestion.get(q.id) ?? null;
    const grade = gradeAnswer(q.body, answer as never);
    return { attemptId, questionId: q.id, answer, scoreH: grade.pending ? null : scoreHundredths(grade.fraction, q.pointsH), feedback: grade.feedback };
  });
}

/** Students' attempts: start, autosave, submit; teachers' grading and regrades. */
export class AttemptsService {
  private readonly limiter: Limiter;

  constructor(
    private readonly infra: Infra,
    private readonly homework: HomeworkRepository,
    private readonly repo: AttemptsRepository,
    private readonly standing: StandingRepository,
    private readonly events: HomeworkEvents,
    private readonly owned: Owned,
  ) {
    this.limiter = infra.limiter('homework-save', LIMITS.homework.savesPerMinute, 60);
  }

  /** Published homework of one of the student's groups, with their standing; anything else is invisible. */
  async studentView(actor: Actor, homeworkId: string): Promise<{ row: HomeworkRow; standing: StandingRow }> {
    if (actor.role !== 'student') throw new AppError('auth/forbidden', 'Only students take homework');
    const row = await this.homework.find(homeworkId);
    const [standing] = row && row.status !== 'draft' ? await this.standing.forHomework(homeworkId, actor.userId) : [];
    if (!row || !standing) throw new AppError('homework/not-found', 'Homework not found');
    return { row, standing };
  }

  async listFor(row: HomeworkRow, studentId: string, visible: boolean, withQuestions = true): Promise<AttemptDto[]> {
    const attempts = await this.repo.ofStudent(row.id, studentId);
    const [answers, questions] = await Promise.all([this.repo.answers(attempts.map((a) => a.id)), withQuestions ? this.homework.questions(row.id) : null]);
    return attempts.map((a) => presentAttempt(a, answers.filter((x) => x.attemptId === a.id), questions, visible));
  }

  /** Opens an attempt, or returns the one already open (another tab, another device). */
  async start(actor: Actor, homeworkId: string): Promise<AttemptDto> {
    await this.limiter.consume(actor.userId, 'Too many requests; wait a moment');
    const { row, standing } = await this.studentView(actor, homeworkId);
    const existing = await this.repo.ofStudent(homeworkId, actor.userId);
    let attempt = existing.find((a) => a.state === 'in_progress') ?? null;
    if (!attempt) {
      if (existing.length >= row.attemptsAllowed) throw new AppError('homework/attempts-exhausted', `Only ${row.attemptsAllowed} attempt(s) allowed`);
      submissionWindow(row, standing, this.infra.clock.now());
      attempt = await this.repo.open({ id: randomUUID(), homeworkId, studentId: actor.userId, seed: randomInt(2 ** 31), startedAt: this.infra.clock.now() });
      if (!attempt) attempt = (await this.repo.ofStudent(homeworkId, actor.userId)).find((a) => a.state === 'in_progress') ?? null;
      if (!attempt) throw new AppError('homework/attempts-exhausted', 'No attempt left');
      await this.events.rowChanged(row, actor.userId, 'homework:attempt-updated');
    }
    const [answers, questions] = await Promise.all([this.repo.answers([attempt.id]), this.homework.questions(homeworkId)]);
    return presentAttempt(attempt, answers, questions, false);
  }

  /** The autosave: checks in one read, writes in one upsert. */
  async saveAnswer(actor: Actor, attemptId: string, questionId: string, answer: unknown): Promise<{ questionId: string; savedAt: string }> {
    await this.limiter.consume(actor.userId, 'Too many saves; wait a moment');
    const context = await this.repo.saveContext(attemptId, questionId);
    if (!context || context.studentId !== actor.userId) throw new AppError('attempt/not-found', 'Attempt not found');
    if (context.state !== 'in_progress' || context.homeworkStatus !== 'published') throw new AppError('attempt/submitted', 'This attempt is closed');
    if (!context.body) throw new AppError('request/not-found', 'Question not found');
    const at = this.infra.clock.now();
    if (!(await this.repo.saveAnswer(attemptId, questionId, validAnswer(context.body, answer), at))) throw new AppError('attempt/submitted', 'This attempt is closed');
    return { questionId, savedAt: at.toISOString() };
  }

  /** Grades at once; a second submit of the same attempt changes nothing and answers the same. */
  async submit(actor: Actor, attemptId: string) {
    await this.limiter.consume(actor.userId, 'Too many requests; wait a moment');
    const attempt = await this.repo.find(attemptId);
    if (!attempt || attempt.studentId !== actor.userId) throw new AppError('attempt/not-found', 'Attempt not found');
    const { row, standing } = await this.studentView(actor, attempt.homeworkId);
    const now = this.infra.clock.now();
    const visible = resultsVisible(row, standing.dueAt, now);
    if (attempt.state === 'in_progress') {
      const { late } = submissionWindow(row, standing, now);
      const graded = await this.homework.transaction(async (em) => {
        await this.repo.lockHomework(em, row.id, 'share');
        if (!(await this.repo.markSubmitted(em, attemptId, now, late))) return null;
        const [questions, answers] = await Promise.all([this.homework.questions(row.id, em), this.repo.answers([attemptId], em)]);
        const scores = gradeAll(attemptId, questions, answers);
        await this.repo.writeScores(em, scores, now);
        const [totals] = await this.repo.recomputeTotals(em, [attemptId]);
        return { totals, questions, answers: scores.map((x) => ({ ...x, comment: null })) };
      });
      if (graded) {
        // The teacher's row is pushed after the answer goes out: the student does not wait for it.
        void this.events.rowChanged(row, actor.userId, 'homework:submitted').catch((error: unknown) => this.infra.logger.warn({ err: String(error) }, 'homework row push failed'));
        const dto = presentAttempt(graded.totals, graded.answers, graded.questions, visible);
        return { id: dto.id, state: dto.state, score: dto.score, maxScore: dto.maxScore, attempt: dto };
      }
    }
    // Submitted before (a double submit): the same answer again, nothing written.
    const [final, answers, questions] = await Promise.all([this.repo.find(attemptId), this.repo.answers([attemptId]), this.homework.questions(row.id)]);
    const dto = presentAttempt(final!, answers, questions, visible);
    return { id: dto.id, state: dto.state, score: dto.score, maxScore: dto.maxScore, attempt: dto };
  }

  /** A teacher's points and comment for a free-text answer; the student sees it live. */
  async grade(actor: Actor, attemptId: string, input: GradeAnswerBody): Promise<AttemptDto> {
    const attempt = await this.repo.find(attemptId);
    if (!attempt) throw new AppError('attempt/not-found', 'Attempt not found');
    const row = await this.owned(actor, attempt.homeworkId);
    if (attempt.state === 'in_progress') throw new AppError('homework/not-editable', 'The attempt is not submitted yet');
    const questions = await this.homework.questions(row.id);
    const question = questions.find((q) => q.id === input.questionId);
    if (!question || question.body.type !== 'free_text') throw new AppError('request/invalid', 'Only free-text answers are graded by hand', { fields: { questionId: 'not a free-text question of this homework' } });
    const scoreH = Math.round(input.points * 100);
    if (scoreH > question.pointsH) throw new AppError('request/invalid', `At most ${toPoints(question.pointsH)} points`, { fields: { points: `at most ${toPoints(question.pointsH)}` } });
    await this.homework.transaction(async (em) => {
      await this.repo.setTeacherGrade(em, attemptId, question.id, scoreH, input.comment ?? null, this.infra.clock.now());
      await this.repo.recomputeTotals(em, [attemptId]);
    });
    await Promise.all([this.events.rowChanged(row, attempt.studentId, 'homework:attempt-updated'), this.events.graded(row.id, attemptId)]);
    const [updated, answers] = await Promise.all([this.repo.find(attemptId), this.repo.answers([attemptId])]);
    return presentAttempt(updated!, answers, questions, true);
  }

  /**
   * Replaces a question. With attempts present its type stays; a changed key regrades every submitted
   * attempt in the same transaction (free text keeps the teacher's points), and each change is pushed.
   */
  async replaceQuestion(row: HomeworkRow, current: QuestionRow, next: { pointsH: number; body: QuestionBody }) {
    const started = (await this.homework.attemptCount(row.id)) > 0;
    if (started && next.body.type !== current.body.type) throw new AppError('homework/not-editable', 'Students have answered: the question type cannot change');
    const regraded = await this.homework.transaction(async (em) => {
      await this.repo.lockHomework(em, row.id, 'update');
      await this.homework.updateQuestion(current.id, next.pointsH, next.body, em);
      if (!started) return [];
      const answers = await this.repo.submittedAnswersTo(em, current.id, row.id);
      if (next.body.type !== 'free_text') {
        const question = { ...current, ...next };
        const scores = answers.map((a) => ({ ...gradeAll(a.attemptId, [question], a.answer === null ? [] : [{ attemptId: a.attemptId, questionId: current.id, answer: a.answer, scoreH: null, feedback: null, comment: null }])[0] }));
        await this.repo.writeScores(em, scores, this.infra.clock.now());
      }
      return this.repo.recomputeTotals(em, answers.map((a) => a.attemptId));
    });
    await this.announce(row.id, regraded);
    const saved = (await this.homework.questions(row.id)).find((q) => q.id === current.id)!;
    return { question: presentTeacherQuestion(saved), regraded: regraded.length };
  }

  /** Every submitted attempt's student hears of their (now visible) results. */
  async announceAll(homeworkId: string): Promise<void> {
    const attempts = (await this.standing.forHomework(homeworkId)).filter((s) => s.countedId);
    for (const s of attempts) await this.events.graded(homeworkId, s.countedId!);
  }

  private async announce(homeworkId: string, attempts: AttemptRow[]): Promise<void> {
    const row = await this.homework.find(homeworkId);
    if (!row) return;
    for (const attempt of attempts) {
      await this.events.rowChanged(row, attempt.studentId, 'homework:attempt-updated');
      await this.events.graded(homeworkId, attempt.id);
    }
  }
}
