import type { Answer, QuestionBody, QuestionType } from '@tp/shared';
import { gradeMultipleResponse, gradeSingleChoice, gradeTrueFalse } from './choice.js';
import { gradeCloze } from './cloze.js';
import { gradeMatching, gradeOrdering } from './arrange.js';
import { gradeNumeric, gradeShortAnswer } from './typed.js';
import { graded, pendingGrade, type Grade, type Grader } from './types.js';

export type { Grade } from './types.js';

/** Free text waits for the teacher, unless left empty (nothing to grade: 0). */
const gradeFreeText: Grader<'free_text'> = (_question, answer) => (answer?.text?.trim() ? pendingGrade : graded(0));

const graders: { [T in QuestionType]: Grader<T> } = {
  single_choice: gradeSingleChoice,
  multiple_response: gradeMultipleResponse,
  true_false: gradeTrueFalse,
  short_answer: gradeShortAnswer,
  numeric: gradeNumeric,
  matching: gradeMatching,
  ordering: gradeOrdering,
  cloze: gradeCloze,
  free_text: gradeFreeText,
};

/** Grades one answer (already validated against the question's type); null = not answered. */
export function gradeAnswer(question: QuestionBody, answer: Answer | null): Grade {
  return (graders[question.type] as Grader<QuestionType>)(question as never, answer as never);
}

/** A fraction of a question's points, in hundredths of a point (rounded once, here). */
export function scoreHundredths(fraction: number, pointsHundredths: number): number {
  return Math.round(Number((fraction * pointsHundredths).toFixed(6)));
}
