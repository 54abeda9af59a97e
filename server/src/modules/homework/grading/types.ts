import type { AnswerOf, QuestionOf, QuestionType } from '@tp/shared';

/** A question's grade as a fraction of its points; `pending` when only a teacher can grade it. */
export type Grade = { pending: false; fraction: number; feedback: string | null } | { pending: true; fraction: null; feedback: null };

export const graded = (fraction: number, feedback: string | null = null): Grade => ({ pending: false, fraction, feedback: feedback ?? null });
export const pendingGrade: Grade = { pending: true, fraction: null, feedback: null };

export type Grader<T extends QuestionType> = (question: QuestionOf<T>, answer: AnswerOf<T> | null) => Grade;

export const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
