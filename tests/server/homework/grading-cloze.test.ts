import { describe, expect, it } from 'vitest';
import { questionBody, type QuestionOf } from '@tp/shared';
import { gradeAnswer } from '../../../server/src/modules/homework/grading/index.js';
import { withPartIds } from '../../../server/src/modules/homework/questions.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('cloze (each gap its own rule and weight; Σ gap × weight / Σ weight; empty gap 0)', () => {
  const q = withPartIds(
    questionBody.parse({
      type: 'cloze',
      points: 4,
      prompt: 'Fill in',
      text: '{{1}} boils at {{2}} °C and is {{3}}.',
      gaps: [
        { id: ID(1), weight: 1, rule: { kind: 'short_answer', answers: [{ text: 'water', credit: 1 }, { text: 'wat*', credit: 0.5 }] } },
        { id: ID(2), weight: 2, rule: { kind: 'numeric', answers: [{ value: '100', tolerance: '1', credit: 1 }] } },
        { id: ID(3), weight: 1, rule: { kind: 'choice', options: [{ id: ID(31), text: 'wet', credit: 1 }, { id: ID(32), text: 'dry', credit: -1 }, { id: ID(33), text: 'damp', credit: 0.5 }] } },
      ],
    }),
  ) as QuestionOf<'cloze'>;
  const gaps = (a: string, b: string, c: string) => ({ gaps: { [ID(1)]: a, [ID(2)]: b, [ID(3)]: c } });
  it.each([
    ['all right', gaps('Water', '100', ID(31)), 1],
    ['numeric gap (weight 2) wrong', gaps('water', '90', ID(31)), 2 / 4],
    ['only the heavy gap right', gaps('', '99,5', ''), 2 / 4],
    ['partial text credit', gaps('watery', '100', ID(31)), 3.5 / 4],
    ['partial choice credit', gaps('water', '100', ID(33)), 3.5 / 4],
    ['a negative choice never goes below 0 for its gap', gaps('water', '100', ID(32)), 3 / 4],
    ['all empty', gaps('', '', ''), 0],
    ['whitespace-only counts as empty', gaps('   ', ' ', ''), 0],
    ['a gap left out of the answer', { gaps: { [ID(2)]: '100' } }, 2 / 4],
    ['an option id of another gap is wrong', gaps('water', '100', ID(99)), 3 / 4],
    ['thousands separator in a numeric gap', gaps('water', '1 00', ID(31)), 2 / 4],
  ] as const)('%s', (_name, answer, fraction) => {
    expect(gradeAnswer(q, answer).fraction).toBeCloseTo(fraction, 12);
  });
  it('no answer at all scores 0', () => expect(gradeAnswer(q, null).fraction).toBe(0));
  it('the builder needs a {{n}} marker for every gap', () => {
    expect(questionBody.safeParse({ type: 'cloze', points: 1, prompt: 'p', text: 'no markers', gaps: [{ rule: { kind: 'numeric', answers: [{ value: '1', credit: 1 }] } }] }).success).toBe(false);
  });
});

describe('free text (graded by the teacher)', () => {
  const q = questionBody.parse({ type: 'free_text', points: 5, prompt: 'Essay', wordLimit: 3 }) as QuestionOf<'free_text'>;
  it.each([
    ['an answer waits for the teacher', { text: 'My essay' }, true, null],
    ['an empty answer scores 0 at once', { text: '' }, false, 0],
    ['whitespace only is empty', { text: ' \n ' }, false, 0],
    ['no answer at all scores 0', null, false, 0],
  ] as const)('%s', (_name, answer, pending, fraction) => {
    expect(gradeAnswer(q, answer)).toMatchObject({ pending, fraction });
  });
});
