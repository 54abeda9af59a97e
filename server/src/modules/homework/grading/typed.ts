import { parseKeyNumber, parseTypedNumber, withinTolerance } from './decimal.js';
import { firstTextMatch } from './text-match.js';
import { graded, type Grade, type Grader } from './types.js';

type TextAnswer = { text: string; credit: number; feedback?: string };
type NumericAnswer = { value: string; tolerance: string; credit: number; feedback?: string };

/** First accepted answer that matches wins; no match scores 0. */
export function gradeText(typed: string, rule: { caseSensitive: boolean; yoAsYe: boolean; answers: TextAnswer[] }): Grade {
  const index = firstTextMatch(typed, rule.answers, rule);
  return index < 0 ? graded(0) : graded(rule.answers[index].credit, rule.answers[index].feedback);
}

/** First accepted value within its tolerance wins; an unreadable number scores 0. */
export function gradeNumber(typed: string, answers: NumericAnswer[]): Grade {
  const value = parseTypedNumber(typed);
  if (!value) return graded(0);
  const match = answers.find((a) => withinTolerance(value, parseKeyNumber(a.value), parseKeyNumber(a.tolerance)));
  return match ? graded(match.credit, match.feedback) : graded(0);
}

export const gradeShortAnswer: Grader<'short_answer'> = (question, answer) => gradeText(answer?.text ?? '', question);
export const gradeNumeric: Grader<'numeric'> = (question, answer) => gradeNumber(answer?.text ?? '', question.answers);
