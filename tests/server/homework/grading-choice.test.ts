import { describe, expect, it } from 'vitest';
import { questionBody, type QuestionOf } from '@tp/shared';
import { gradeAnswer, scoreHundredths } from '../../../server/src/modules/homework/grading/index.js';
import { withPartIds } from '../../../server/src/modules/homework/questions.js';

/** Options get fixed ids a..f so the tables read well. */
const ID = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
function question<T extends 'single_choice' | 'multiple_response'>(type: T, credits: Array<number | undefined>): QuestionOf<T> {
  const body = questionBody.parse({ type, points: 1, prompt: 'Q', options: credits.map((credit, i) => ({ id: ID(i), text: `o${i}`, ...(credit === undefined ? {} : { credit }) })) });
  return withPartIds(body) as QuestionOf<T>;
}

describe('single choice (one right option, others partial or negative)', () => {
  const q = question('single_choice', [1, 0.5, 0, -0.25, -1]);
  it.each([
    ['the right option', ID(0), 1],
    ['a half-right option', ID(1), 0.5],
    ['a wrong option', ID(2), 0],
    ['a penalised option', ID(3), -0.25],
    ['a fully penalised option', ID(4), -1],
    ['nothing chosen', null, 0],
    ['an id of no option', '00000000-0000-4000-8000-0000000000ff', 0],
  ] as const)('%s', (_name, optionId, fraction) => {
    expect(gradeAnswer(q, { optionId })).toMatchObject({ pending: false, fraction });
  });
  it('no answer at all scores 0', () => expect(gradeAnswer(q, null).fraction).toBe(0));
  it('carries the chosen option\u2019s feedback', () => {
    const withFeedback = withPartIds(questionBody.parse({ type: 'single_choice', points: 1, prompt: 'Q', options: [{ id: ID(0), text: 'a', credit: 1, feedback: 'Yes!' }, { text: 'b', credit: 0 }] }));
    expect(gradeAnswer(withFeedback, { optionId: ID(0) }).feedback).toBe('Yes!');
  });
  it('refuses a question without a fully right option', () => {
    expect(questionBody.safeParse({ type: 'single_choice', points: 1, prompt: 'Q', options: [{ text: 'a', credit: 0.5 }, { text: 'b', credit: 0 }] }).success).toBe(false);
  });
});

describe('multiple response (credits add to 100 %, wrong ticks subtract, clamped to [0, 1])', () => {
  // Three right options of 1/3 each; two wrong ones with the default −1/3 and one explicit −1.
  const q = question('multiple_response', [1 / 3, 1 / 3, 1 / 3, undefined, undefined, -1]);
  it.each([
    ['all right, nothing wrong', [0, 1, 2], 1],
    ['two of three right', [0, 1], 2 / 3],
    ['one right', [2], 1 / 3],
    ['all right plus one default-wrong', [0, 1, 2, 3], 2 / 3],
    ['one right plus one default-wrong', [0, 3], 0],
    ['everything ticked: clamped at 0', [0, 1, 2, 3, 4, 5], 0],
    ['only wrong ticks: floor 0', [3, 4], 0],
    ['nothing ticked', [], 0],
    ['the −100 % option wipes out the rest', [0, 1, 2, 5], 0],
    ['a tick repeated counts once', [0, 0, 0], 1 / 3],
  ] as const)('%s', (_name, ticked, fraction) => {
    expect(gradeAnswer(q, { optionIds: ticked.map(ID) }).fraction).toBeCloseTo(fraction, 10);
  });
  it('three thirds of 3 points are exactly 3.00 points (no drift)', () => {
    expect(scoreHundredths(gradeAnswer(q, { optionIds: [0, 1, 2].map(ID) }).fraction!, 300)).toBe(300);
    expect(scoreHundredths(gradeAnswer(q, { optionIds: [0, 1].map(ID) }).fraction!, 300)).toBe(200);
  });
  it('the builder refuses positive credits that do not add up to 100 %', () => {
    expect(questionBody.safeParse({ type: 'multiple_response', points: 1, prompt: 'Q', options: [{ text: 'a', credit: 0.5 }, { text: 'b', credit: 0.4 }] }).success).toBe(false);
    expect(questionBody.safeParse({ type: 'multiple_response', points: 1, prompt: 'Q', options: [{ text: 'a', credit: 0.5 }, { text: 'b', credit: 0.5 }, { text: 'c', credit: -0.2 }] }).success).toBe(true);
  });
});

describe('true / false', () => {
  const yes = questionBody.parse({ type: 'true_false', points: 1, prompt: 'Q', correct: true, feedbackTrue: 'right', feedbackFalse: 'no' }) as QuestionOf<'true_false'>;
  const no = questionBody.parse({ type: 'true_false', points: 1, prompt: 'Q', correct: false }) as QuestionOf<'true_false'>;
  it.each([
    ['true when true', yes, true, 1],
    ['false when true', yes, false, 0],
    ['false when false', no, false, 1],
    ['true when false', no, true, 0],
    ['unanswered (true key)', yes, null, 0],
    ['unanswered (false key)', no, null, 0],
  ] as const)('%s', (_name, q, value, fraction) => {
    expect(gradeAnswer(q, { value }).fraction).toBe(fraction);
  });
  it('no answer at all scores 0 on both keys', () => {
    expect(gradeAnswer(yes, null).fraction).toBe(0);
    expect(gradeAnswer(no, null).fraction).toBe(0);
  });
  it('feedback follows the answer given', () => {
    expect(gradeAnswer(yes, { value: true }).feedback).toBe('right');
    expect(gradeAnswer(yes, { value: false }).feedback).toBe('no');
  });
});
