import { randomUUID } from 'node:crypto';
import type { QuestionBody } from '@tp/shared';

/** Points as stored: integers of hundredths. */
export const toHundredths = (points: number) => Math.round(points * 100);

/**
 * Fills every missing part id (options, stems, choices, items, gaps) with a random uuid, keeping the
 * ids that are there, so saved answers keep pointing at the same parts after an edit.
 */
export function withPartIds(body: QuestionBody): QuestionBody {
  const id = <T extends { id?: string }>(part: T) => ({ ...part, id: part.id ?? randomUUID() });
  switch (body.type) {
    case 'single_choice':
    case 'multiple_response':
      return { ...body, options: body.options.map(id) } as QuestionBody;
    case 'matching':
      return { ...body, pairs: body.pairs.map((p) => ({ ...id(p), choiceId: p.choiceId ?? randomUUID() })), distractors: body.distractors.map(id) };
    case 'ordering':
      return { ...body, items: body.items.map(id) };
    case 'cloze':
      return { ...body, gaps: body.gaps.map((g) => ({ ...id(g), rule: g.rule.kind === 'choice' ? { ...g.rule, options: g.rule.options.map(id) } : g.rule })) };
    default:
      return body;
  }
}

/** The body as stored: points live in their own column. */
export function storedBody(body: QuestionBody): { pointsH: number; body: QuestionBody } {
  return { pointsH: toHundredths(body.points), body: withPartIds(body) };
}
