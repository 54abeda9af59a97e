import { gradeNumber, gradeText } from './typed.js';
import { clamp, graded, type Grader } from './types.js';

/** Σ gap fraction × weight / Σ weight; an empty gap scores 0, a gap never below 0. */
export const gradeCloze: Grader<'cloze'> = (question, answer) => {
  const typed = answer?.gaps ?? {};
  let earned = 0;
  let weights = 0;
  for (const gap of question.gaps) {
    weights += gap.weight;
    const value = (typed[gap.id!] ?? '').trim();
    if (!value) continue;
    const rule = gap.rule;
    let fraction = 0;
    if (rule.kind === 'short_answer') fraction = gradeText(value, rule).fraction ?? 0;
    else if (rule.kind === 'numeric') fraction = gradeNumber(value, rule.answers).fraction ?? 0;
    else fraction = rule.options.find((o) => o.id === value)?.credit ?? 0;
    earned += clamp(fraction, 0, 1) * gap.weight;
  }
  return graded(weights ? earned / weights : 0);
};
