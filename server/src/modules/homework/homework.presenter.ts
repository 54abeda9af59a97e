import type { AttemptDto, HomeworkDto, QuestionResultDto, StudentHomeworkDto, StudentQuestionDto, SubmissionRowDto } from '@tp/shared';
import type { AnswerRow, AttemptRow } from './attempts.repository.js';
import type { HomeworkRow, QuestionRow } from './homework.repository.js';
import type { StandingRow } from './standing.repository.js';
import { scrambled, shuffled } from './shuffle.js';

const DAY_MS = 86_400_000;
export const toPoints = (hundredths: number) => hundredths / 100;
const iso = (value: Date | null) => value?.toISOString() ?? null;

export function presentHomework(row: HomeworkRow): HomeworkDto {
  return {
    id: row.id,
    teacherId: row.teacherId,
    groupId: row.groupId,
    groupName: row.groupName,
    lessonId: row.lessonId,
    title: row.title,
    instructions: row.instructions,
    opensAt: iso(row.opensAt),
    dueAt: iso(row.dueAt),
    attemptsAllowed: row.attemptsAllowed,
    gradeBy: row.gradeBy,
    releaseResults: row.releaseResults,
    status: row.status,
    publishedAt: iso(row.publishedAt),
    resultsReleasedAt: iso(row.resultsReleasedAt),
    questionCount: row.questionCount,
    maxScore: toPoints(row.maxH),
    createdAt: row.createdAt.toISOString(),
  };
}

/** The teacher's question: everything, key included. */
export const presentTeacherQuestion = (q: QuestionRow) => ({ ...q.body, points: toPoints(q.pointsH), id: q.id, position: q.position });

/**
 * What a student sees of a question: text and the choices, shuffled for their attempt; never a
 * credit, an accepted answer, a tolerance, the right order or the right pairs.
 */
export function presentStudentQuestion(q: QuestionRow, seed: number): StudentQuestionDto {
  const base = { id: q.id, position: q.position, points: toPoints(q.pointsH), prompt: q.body.prompt };
  const body = q.body;
  const shown = (items: Array<{ id?: string; text: string }>) => items.map((o) => ({ id: o.id!, text: o.text }));
  switch (body.type) {
    case 'single_choice':
    case 'multiple_response':
      return { type: body.type, ...base, options: shown(body.shuffle ? shuffled(body.options, seed, q.id) : body.options) };
    case 'true_false':
    case 'short_answer':
    case 'numeric':
      return { type: body.type, ...base };
    case 'matching': {
      const choices = [...body.pairs.map((p) => ({ id: p.choiceId!, text: p.choice })), ...body.distractors.map((d) => ({ id: d.id!, text: d.text }))];
      // Two stems may share a choice text: offer it once (the first id), so the list gives nothing away.
      const unique = [...new Map(choices.map((c) => [c.text, c])).values()];
      return { type: 'matching', ...base, stems: body.pairs.map((p) => ({ id: p.id!, text: p.stem })), choices: shuffled(unique, seed, `${q.id}:choices`) };
    }
    case 'ordering':
      return { type: 'ordering', ...base, items: shown(scrambled(body.items, seed, q.id)) };
    case 'cloze':
      return {
        type: 'cloze',
        ...base,
        text: body.text,
        gaps: body.gaps.map((g) => (g.rule.kind === 'choice' ? { id: g.id!, kind: 'choice' as const, options: shown(shuffled(g.rule.options, seed, `${q.id}:${g.id}`)) } : { id: g.id!, kind: g.rule.kind })),
      };
    case 'free_text':
      return { type: 'free_text', ...base, wordLimit: body.wordLimit ?? null };
  }
}

export type StudentState = StudentHomeworkDto['state'];

/** Where a student stands: excused, graded/submitted (the counted attempt), backlog or missed, in progress, to do. */
export function stateOf(s: StandingRow, now: Date): StudentState {
  if (s.countedState) return s.countedState;
  if (s.excused) return 'excused';
  if (s.missedAt) return s.closedAt || (s.backlogUntil && s.backlogUntil <= now) ? 'missed' : 'backlog';
  return s.openAttempt ? 'in_progress' : 'todo';
}

export function presentSubmissionRow(s: StandingRow, maxH: number, now: Date): SubmissionRowDto {
  const state = stateOf(s, now);
  const counted = s.countedId !== null;
  return {
    studentId: s.studentId,
    firstName: s.firstName,
    lastName: s.lastName,
    state,
    attempts: s.attempts,
    attemptId: s.countedId,
    score: counted ? toPoints(s.scoreH ?? 0) : state === 'missed' || state === 'backlog' ? 0 : null,
    maxScore: toPoints(s.maxH ?? maxH),
    timeSpentSeconds: s.startedAt && s.submittedAt ? Math.round((s.submittedAt.getTime() - s.startedAt.getTime()) / 1000) : null,
    submittedAt: iso(s.submittedAt),
    late: s.late,
    pendingManual: s.pendingManual,
    excused: s.excused,
    dueAt: iso(s.dueAt),
  };
}

export function presentStudentHomework(row: HomeworkRow, s: StandingRow | undefined, now: Date, resultsVisible: boolean): StudentHomeworkDto {
  const state = s ? stateOf(s, now) : 'todo';
  const backlogUntil = s?.missedAt ? s.backlogUntil : null;
  const counted = s?.countedId ? toPoints(s.scoreH ?? 0) : state === 'missed' || state === 'backlog' ? 0 : null;
  return {
    ...presentHomework(row),
    state,
    myDueAt: iso(s?.dueAt ?? row.dueAt),
    backlogUntil: iso(backlogUntil),
    daysLeft: state === 'backlog' && backlogUntil ? Math.max(0, Math.ceil((backlogUntil.getTime() - now.getTime()) / DAY_MS)) : null,
    late: s?.late ?? false,
    attemptsUsed: s?.attempts ?? 0,
    score: resultsVisible || counted === 0 ? counted : null,
  };
}

/** An attempt as its student sees it: answers always, scores and feedback only when results are visible. */
export function presentAttempt(attempt: AttemptRow, answers: AnswerRow[], questions: QuestionRow[] | null, resultsVisible: boolean): AttemptDto {
  const byQuestion = new Map(answers.map((a) => [a.questionId, a]));
  const submitted = attempt.state !== 'in_progress';
  const results: QuestionResultDto[] | null =
    resultsVisible && submitted && questions
      ? questions.map((q) => {
          const answer = byQuestion.get(q.id);
          const pending = q.body.type === 'free_text' && (answer?.scoreH ?? null) === null;
          return {
            questionId: q.id,
            score: pending ? null : toPoints(answer?.scoreH ?? 0),
            maxScore: toPoints(q.pointsH),
            pending,
            comment: answer?.comment ?? null,
            feedback: [answer?.feedback, q.body.feedback].filter(Boolean).join('\n\n') || null,
          };
        })
      : null;
  return {
    id: attempt.id,
    homeworkId: attempt.homeworkId,
    studentId: attempt.studentId,
    number: attempt.number,
    state: attempt.state,
    startedAt: attempt.startedAt.toISOString(),
    submittedAt: iso(attempt.submittedAt),
    late: attempt.late,
    answers: Object.fromEntries(answers.map((a) => [a.questionId, a.answer])),
    questions: questions?.map((q) => presentStudentQuestion(q, attempt.seed)),
    resultsVisible: resultsVisible && submitted,
    score: resultsVisible && submitted ? toPoints(attempt.scoreH ?? 0) : null,
    maxScore: toPoints(questions ? questions.reduce((sum, q) => sum + q.pointsH, 0) : attempt.maxH),
    pendingManual: submitted ? attempt.pendingManual : 0,
    results,
  };
}
