import type { QuestionBody, QuestionOf, QuestionType, StudentQuestionDto, TeacherQuestionDto } from '@tp/shared';
import { QUESTION_TYPES } from '@tp/shared/constants';

export { QUESTION_TYPES };
export type Draft = QuestionBody;
type ClozeGap = QuestionOf<'cloze'>['gaps'][number];
export type GapKind = ClozeGap['rule']['kind'];

export const newId = (): string => crypto.randomUUID();

/** A new question of a type, filled enough to show in the preview, with fresh part ids. */
export function blankQuestion(type: QuestionType): Draft {
  const common = { points: 1, prompt: '' };
  switch (type) {
    case 'single_choice':
      return { type, ...common, shuffle: true, options: [option(1), option(0)] };
    case 'multiple_response':
      return { type, ...common, shuffle: true, options: [option(0.5), option(0.5), option(undefined)] };
    case 'true_false':
      return { type, ...common, correct: true };
    case 'short_answer':
      return { type, ...common, caseSensitive: false, yoAsYe: false, answers: [{ text: '', credit: 1 }] };
    case 'numeric':
      return { type, ...common, answers: [{ value: '', tolerance: '0', credit: 1 }] };
    case 'matching':
      return { type, ...common, pairs: [pair(), pair()], distractors: [] };
    case 'ordering':
      return { type, ...common, grading: 'all_or_nothing', items: [item(), item(), item()] };
    case 'cloze':
      return { type, ...common, text: '', gaps: [blankGap('short_answer')] };
    case 'free_text':
      return { type, ...common };
  }
}

export function blankGap(kind: GapKind): ClozeGap {
  const id = newId();
  if (kind === 'choice') return { id, weight: 1, rule: { kind, options: [option(1), option(0)] } };
  if (kind === 'numeric') return { id, weight: 1, rule: { kind, answers: [{ value: '', tolerance: '0', credit: 1 }] } };
  return { id, weight: 1, rule: { kind, caseSensitive: false, yoAsYe: false, answers: [{ text: '', credit: 1 }] } };
}

export function option(credit: number | undefined): { id: string; text: string; credit: number } {
  return { id: newId(), text: '', credit: credit as number };
}
export const pair = () => ({ id: newId(), stem: '', choiceId: newId(), choice: '' });
export const item = () => ({ id: newId(), text: '' });

/** The body to send: the stored question without its id and place. */
export function stripIds(question: Draft | TeacherQuestionDto): Draft {
  const { id: _id, position: _position, ...body } = question as TeacherQuestionDto;
  return body as Draft;
}

/** What a student sees of a draft: the builder's live preview (no key, parts in the teacher's order). */
export function studentView(draft: Draft, id = 'preview', position = 0): StudentQuestionDto {
  const common = { id, position, points: draft.points, prompt: draft.prompt };
  const shown = (parts: { id?: string; text: string }[]) => parts.map((part) => ({ id: part.id ?? '', text: part.text }));
  switch (draft.type) {
    case 'single_choice':
    case 'multiple_response':
      return { type: draft.type, ...common, options: shown(draft.options) };
    case 'matching':
      return {
        type: draft.type,
        ...common,
        stems: draft.pairs.map((p) => ({ id: p.id ?? '', text: p.stem })),
        choices: [...draft.pairs.map((p) => ({ id: p.choiceId ?? '', text: p.choice })), ...shown(draft.distractors)],
      };
    case 'ordering':
      return { type: draft.type, ...common, items: shown(draft.items) };
    case 'cloze':
      return {
        type: draft.type,
        ...common,
        text: draft.text,
        gaps: draft.gaps.map((gap) => ({ id: gap.id ?? '', kind: gap.rule.kind, options: gap.rule.kind === 'choice' ? shown(gap.rule.options) : undefined })),
      };
    case 'free_text':
      return { type: draft.type, ...common, wordLimit: draft.wordLimit ?? null };
    default:
      return { type: draft.type, ...common };
  }
}

/** Splits cloze text at its `{{n}}` markers: strings between gaps, and gap indexes (0-based). */
export function clozeParts(text: string): (string | number)[] {
  const parts: (string | number)[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{(\d{1,2})\}\}/g)) {
    parts.push(text.slice(last, match.index));
    parts.push(Number(match[1]) - 1);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== '');
}

/** The empty answer of a question type (what a student starts from). */
export function emptyAnswer(question: StudentQuestionDto): Record<string, unknown> {
  switch (question.type) {
    case 'single_choice':
      return { optionId: null };
    case 'multiple_response':
      return { optionIds: [] };
    case 'true_false':
      return { value: null };
    case 'matching':
      return { pairs: {} };
    case 'ordering':
      return { order: question.items.map((i) => i.id) };
    case 'cloze':
      return { gaps: {} };
    default:
      return { text: '' };
  }
}

export function countWords(text: string): number {
  return text.trim() ? text.trim().split(/\s+/u).length : 0;
}
