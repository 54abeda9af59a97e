import { describe, expect, it } from 'vitest';
import { questionBody, type QuestionOf } from '@tp/shared';
import { gradeAnswer } from '../../../server/src/modules/homework/grading/index.js';
import { withPartIds } from '../../../server/src/modules/homework/questions.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('matching (right pairs over stems; distractors; shared choice texts)', () => {
  const q = withPartIds(
    questionBody.parse({
      type: 'matching',
      points: 1,
      prompt: 'Q',
      pairs: [
        { id: ID(1), stem: 'France', choiceId: ID(11), choice: 'Paris' },
        { id: ID(2), stem: 'Italy', choiceId: ID(12), choice: 'Rome' },
        { id: ID(3), stem: 'Spain', choiceId: ID(13), choice: 'Madrid' },
        { id: ID(4), stem: 'Vatican', choiceId: ID(14), choice: 'Rome' },
      ],
      distractors: [{ id: ID(21), text: 'Berlin' }],
    }),
  ) as QuestionOf<'matching'>;
  const all = { [ID(1)]: ID(11), [ID(2)]: ID(12), [ID(3)]: ID(13), [ID(4)]: ID(14) };
  it.each([
    ['all right', all, 1],
    ['three right', { ...all, [ID(3)]: ID(11) }, 0.75],
    ['a distractor chosen', { ...all, [ID(1)]: ID(21) }, 0.75],
    ['two stems share the text "Rome": either id is right', { ...all, [ID(4)]: ID(12), [ID(2)]: ID(14) }, 1],
    ['only one answered', { [ID(1)]: ID(11) }, 0.25],
    ['none answered', {}, 0],
    ['all wrong', { [ID(1)]: ID(12), [ID(2)]: ID(11), [ID(3)]: ID(21), [ID(4)]: ID(13) }, 0],
    ['unknown stem ids ignored', { ...all, [ID(99)]: ID(11) }, 1],
    ['unknown choice id is wrong', { ...all, [ID(1)]: ID(98) }, 0.75],
    ['half right', { [ID(1)]: ID(11), [ID(2)]: ID(12) }, 0.5],
  ] as const)('%s', (_name, pairs, fraction) => {
    expect(gradeAnswer(q, { pairs }).fraction).toBe(fraction);
  });
  it('no answer at all scores 0', () => expect(gradeAnswer(q, null).fraction).toBe(0));
});

function ordering(grading: string, n = 4) {
  return withPartIds(questionBody.parse({ type: 'ordering', points: 1, prompt: 'Q', grading, items: Array.from({ length: n }, (_, i) => ({ id: ID(i + 1), text: `i${i + 1}` })) })) as QuestionOf<'ordering'>;
}
const order = (...positions: number[]) => ({ order: positions.map(ID) });

describe('ordering: all or nothing', () => {
  const q = ordering('all_or_nothing');
  it.each([
    ['right order', order(1, 2, 3, 4), 1],
    ['two swapped', order(2, 1, 3, 4), 0],
    ['reversed', order(4, 3, 2, 1), 0],
    ['one left out', order(1, 2, 3), 0],
    ['empty', order(), 0],
    ['repeat of an item', order(1, 2, 3, 3), 0],
    ['an extra unknown id', order(1, 2, 3, 4, 99), 0],
    ['rotated', order(2, 3, 4, 1), 0],
    ['last two swapped', order(1, 2, 4, 3), 0],
    ['only the first two given', order(1, 2), 0],
  ] as const)('%s', (_name, answer, fraction) => {
    expect(gradeAnswer(q, answer).fraction).toBe(fraction);
  });
});

describe('ordering: relative to the correct position ((n−1) − |distance|, floor 0, over n·(n−1))', () => {
  const q = ordering('relative_to_correct_position');
  // n = 4: each item is worth up to 3, total 12.
  it.each([
    ['right order', order(1, 2, 3, 4), 12 / 12],
    ['first two swapped: 2+2+3+3', order(2, 1, 3, 4), 10 / 12],
    ['reversed: 0+2+2+0', order(4, 3, 2, 1), 4 / 12],
    ['rotated by one: 2+2+2+0', order(2, 3, 4, 1), 6 / 12],
    ['first and last swapped: 0+3+3+0', order(4, 2, 3, 1), 6 / 12],
    ['only the first placed', order(1), 3 / 12],
    ['empty', order(), 0],
    ['a repeat counts once', order(1, 1, 1, 1), 3 / 12],
    ['unknown ids ignored, the rest keep their places', order(99, 2, 3, 4), 9 / 12],
    ['middle two swapped: 3+2+2+3', order(1, 3, 2, 4), 10 / 12],
  ] as const)('%s', (_name, answer, fraction) => {
    expect(gradeAnswer(q, answer).fraction).toBeCloseTo(fraction, 12);
  });
});

describe('ordering: longest ordered subsequence (over n, a single item scores 0)', () => {
  const q = ordering('longest_ordered_subsequence', 5);
  it.each([
    ['right order', order(1, 2, 3, 4, 5), 1],
    ['one item moved to the end', order(2, 3, 4, 5, 1), 4 / 5],
    ['reversed: no two in order', order(5, 4, 3, 2, 1), 0],
    ['two pairs swapped', order(2, 1, 4, 3, 5), 3 / 5],
    ['interleaved', order(1, 3, 5, 2, 4), 3 / 5],
    ['only two given, in order', order(2, 4), 2 / 5],
    ['only one given', order(3), 0],
    ['empty', order(), 0],
    ['rotated by two', order(3, 4, 5, 1, 2), 3 / 5],
    ['repeats ignored', order(1, 1, 2, 2, 3), 3 / 5],
  ] as const)('%s', (_name, answer, fraction) => {
    expect(gradeAnswer(q, answer).fraction).toBeCloseTo(fraction, 12);
  });
});
