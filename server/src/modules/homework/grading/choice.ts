import { clamp, graded, type Grader } from './types.js';

/** One option chosen: its credit (others may be partial or negative); nothing chosen scores 0. */
export const gradeSingleChoice: Grader<'single_choice'> = (question, answer) => {
  const chosen = answer?.optionId ? question.options.find((o) => o.id === answer.optionId) : undefined;
  return chosen ? graded(chosen.credit, chosen.feedback) : graded(0);
};

/** The credit of an unmarked wrong option: −1 / (number of right options), as Moodle suggests. */
export function optionCredits(question: { options: Array<{ credit?: number }> }): number[] {
  const right = question.options.filter((o) => (o.credit ?? 0) > 0).length;
  return question.options.map((o) => o.credit ?? (right ? -1 / right : 0));
}

/** Sum of the ticked options' credits, clamped to [0, 1]. */
export const gradeMultipleResponse: Grader<'multiple_response'> = (question, answer) => {
  const ticked = new Set(answer?.optionIds ?? []);
  const credits = optionCredits(question);
  const sum = question.options.reduce((total, option, i) => (ticked.has(option.id!) ? total + credits[i] : total), 0);
  return graded(clamp(sum, 0, 1));
};

export const gradeTrueFalse: Grader<'true_false'> = (question, answer) => {
  if (answer?.value === null || answer?.value === undefined) return graded(0);
  const right = answer.value === question.correct;
  return graded(right ? 1 : 0, (answer.value ? question.feedbackTrue : question.feedbackFalse) ?? null);
};
