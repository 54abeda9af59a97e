import type { QuestionBody } from '@tp/shared';
import { optionCredits } from '../grading/choice.js';
import { escapeGift as e } from './escape.js';

/** `0.5` → `%50%`; full credit needs no weight where `=` already says it. */
function weight(credit: number): string {
  return `%${Number((credit * 100).toFixed(5))}%`;
}
const fb = (feedback?: string | null) => (feedback ? `#${e(feedback)}` : '');
const general = (q: QuestionBody) => (q.feedback ? ` ####${e(q.feedback)}` : '');
const numericAnswer = (a: { value: string; tolerance: string }) => (Number(a.tolerance) ? `${a.value}:${a.tolerance}` : a.value);

function answerBlock(q: QuestionBody): string | null {
  switch (q.type) {
    case 'single_choice':
      return q.options.map((o) => (o.credit === 1 ? `=${e(o.text)}` : `~${o.credit ? weight(o.credit) : ''}${e(o.text)}`) + fb(o.feedback)).join(' ');
    case 'multiple_response': {
      const credits = optionCredits(q);
      return q.options.map((o, i) => `~${weight(credits[i])}${e(o.text)}${fb(o.feedback)}`).join(' ');
    }
    case 'true_false': {
      const [wrong, right] = q.correct ? [q.feedbackFalse, q.feedbackTrue] : [q.feedbackTrue, q.feedbackFalse];
      const tail = wrong || right ? `#${e(wrong ?? '')}${right ? `#${e(right)}` : ''}` : '';
      return `${q.correct ? 'TRUE' : 'FALSE'}${tail}`;
    }
    case 'short_answer':
      return q.answers.map((a) => `=${a.credit === 1 ? '' : weight(a.credit)}${e(a.text)}${fb(a.feedback)}`).join(' ');
    case 'numeric':
      if (q.answers.length === 1 && q.answers[0].credit === 1) return `#${numericAnswer(q.answers[0])}${fb(q.answers[0].feedback)}`;
      return `#${q.answers.map((a) => `=${a.credit === 1 ? '' : weight(a.credit)}${numericAnswer(a)}${fb(a.feedback)}`).join(' ')}`;
    case 'matching':
      return [...q.pairs.map((p) => `=${e(p.stem)} -> ${e(p.choice)}`), ...q.distractors.map((d) => `= -> ${e(d.text)}`)].join(' ');
    case 'free_text':
      return '';
    default:
      return null;
  }
}

/** A cloze with one gap is GIFT's missing-word form; more gaps GIFT cannot say. */
function missingWord(q: Extract<QuestionBody, { type: 'cloze' }>): string | null {
  if (q.gaps.length !== 1) return null;
  const rule = q.gaps[0].rule;
  const inner =
    rule.kind === 'choice'
      ? answerBlock({ type: 'single_choice', points: 1, prompt: '-', shuffle: true, options: rule.options })
      : rule.kind === 'short_answer'
        ? answerBlock({ type: 'short_answer', points: 1, prompt: '-', caseSensitive: false, yoAsYe: false, answers: rule.answers })
        : answerBlock({ type: 'numeric', points: 1, prompt: '-', answers: rule.answers });
  const [before, after] = q.text.split('{{1}}');
  return `::${e(q.prompt)}::${e(before.trim())} {${inner}${general(q)}} ${e(after.trim())}`;
}

/**
 * Writes questions as GIFT. Ordering questions and clozes with several gaps have no GIFT form: they
 * are listed as comments so the teacher sees what was left out. Points are not part of GIFT.
 */
export function writeGift(questions: QuestionBody[]): string {
  const blocks = questions.map((q, i) => {
    if (q.type === 'cloze') return missingWord(q) ?? `// question ${i + 1} (cloze with ${q.gaps.length} gaps) has no GIFT form`;
    const block = answerBlock(q);
    if (block === null) return `// question ${i + 1} (${q.type}) has no GIFT form`;
    return `${e(q.prompt)} {${block}${general(q)}}`;
  });
  return `${blocks.join('\n\n')}\n`;
}
