import { LIMITS } from '@tp/shared/constants';
import { t } from '$lib/i18n/i18n.svelte.js';
import type { Draft } from './question-model.js';

/** Field path (`prompt`, `options.2.text`, `gaps.0.answers.1.value`) → message shown next to that field. */
export type Problems = Record<string, string>;

const H = LIMITS.homework;
const DECIMAL = /^-?\d{1,15}(\.\d{1,10})?$/;

/**
 * The builder's checks, the same rules the server's schema applies, so a teacher sees what is wrong
 * at the field before saving (the server still decides; its refusals are shown too).
 */
export function validateQuestion(q: Draft): Problems {
  const problems: Problems = {};
  const need = (path: string, value: string | undefined, max: number) => {
    if (!value?.trim()) problems[path] = t('homework.v.required');
    else if (value.length > max) problems[path] = t('homework.v.tooLong', { max });
  };
  need('prompt', q.prompt, H.promptChars);
  if (!Number.isFinite(q.points) || q.points < 0 || q.points > H.maxPoints) problems.points = t('homework.v.points', { max: H.maxPoints });
  else if (Math.abs(Math.round(q.points * 100) - q.points * 100) > 1e-6) problems.points = t('homework.v.pointsDecimals');

  const texts = (prefix: string, parts: { text: string }[]) => parts.forEach((part, i) => need(`${prefix}.${i}.text`, part.text, H.optionChars));
  const credits = (prefix: string, parts: { credit?: number }[]) =>
    parts.forEach((part, i) => {
      if (part.credit !== undefined && (!Number.isFinite(part.credit) || part.credit < -1 || part.credit > 1)) problems[`${prefix}.${i}.credit`] = t('homework.v.credit');
    });
  const numbers = (prefix: string, answers: { value: string; tolerance: string }[]) =>
    answers.forEach((answer, i) => {
      if (!DECIMAL.test(answer.value.trim())) problems[`${prefix}.${i}.value`] = t('homework.v.decimal');
      if (!DECIMAL.test((answer.tolerance || '0').trim()) || Number(answer.tolerance) < 0) problems[`${prefix}.${i}.tolerance`] = t('homework.v.decimal');
    });

  switch (q.type) {
    case 'single_choice':
      texts('options', q.options);
      credits('options', q.options);
      if (!q.options.some((o) => o.credit === 1)) problems.options = t('homework.v.oneRight');
      break;
    case 'multiple_response': {
      texts('options', q.options);
      credits('options', q.options);
      const positive = q.options.reduce((sum, o) => sum + Math.max(0, o.credit ?? 0), 0);
      if (Math.abs(positive - 1) > 1e-4) problems.options = t('homework.v.sum100', { sum: Math.round(positive * 1000) / 10 });
      break;
    }
    case 'short_answer':
      texts('answers', q.answers);
      credits('answers', q.answers);
      if (!q.answers.some((a) => a.credit === 1)) problems.answers = t('homework.v.oneFull');
      break;
    case 'numeric':
      numbers('answers', q.answers);
      credits('answers', q.answers);
      if (!q.answers.some((a) => a.credit === 1)) problems.answers = t('homework.v.oneFull');
      break;
    case 'matching':
      q.pairs.forEach((p, i) => {
        need(`pairs.${i}.stem`, p.stem, H.optionChars);
        need(`pairs.${i}.choice`, p.choice, H.optionChars);
      });
      texts('distractors', q.distractors);
      break;
    case 'ordering':
      texts('items', q.items);
      break;
    case 'cloze':
      need('text', q.text, H.promptChars);
      q.gaps.forEach((gap, i) => {
        if (q.text && !q.text.includes(`{{${i + 1}}}`)) problems[`gaps.${i}`] = t('homework.v.gapMarker', { n: i + 1 });
        const prefix = `gaps.${i}`;
        if (gap.rule.kind === 'choice') {
          texts(`${prefix}.options`, gap.rule.options);
          if (!gap.rule.options.some((o) => o.credit === 1)) problems[`${prefix}.options`] = t('homework.v.oneRight');
        } else if (gap.rule.kind === 'numeric') {
          numbers(`${prefix}.answers`, gap.rule.answers);
        } else {
          texts(`${prefix}.answers`, gap.rule.answers);
        }
      });
      break;
    case 'free_text':
      if (q.wordLimit !== undefined && (!Number.isInteger(q.wordLimit) || q.wordLimit < 1 || q.wordLimit > H.freeTextWords)) {
        problems.wordLimit = t('homework.v.wordLimit', { max: H.freeTextWords });
      }
      break;
  }
  return problems;
}
