import { describe, expect, it } from 'vitest';
import { questionBody, type QuestionOf } from '@tp/shared';
import { gradeAnswer } from '../../../server/src/modules/homework/grading/index.js';
import { parseTypedNumber } from '../../../server/src/modules/homework/grading/decimal.js';

const short = (answers: Array<[string, number]>, options: { caseSensitive?: boolean; yoAsYe?: boolean } = {}) =>
  questionBody.parse({ type: 'short_answer', points: 1, prompt: 'Q', ...options, answers: answers.map(([text, credit]) => ({ text, credit })) }) as QuestionOf<'short_answer'>;

describe('short answer (alternatives, first match wins, wildcards, normalised)', () => {
  const q = short([
    ['Лев Толстой', 1],
    ['Толстой', 0.8],
    ['Tolst*', 0.5],
    ['5\\*3', 1],
    ['*', 0],
  ]);
  it.each([
    ['exact', 'Лев Толстой', 1],
    ['case ignored', 'лев толстой', 1],
    ['trimmed and inner spaces collapsed', '  Лев   Толстой ', 1],
    ['tabs and newlines count as space', 'Лев\t\nТолстой', 1],
    ['second alternative', 'толстой', 0.8],
    ['wildcard run of characters', 'Tolstoy', 0.5],
    ['wildcard matches an empty run', 'tolst', 0.5],
    ['escaped star is a literal star', '5*3', 1],
    ['escaped star does not act as a wildcard', '5x3', 0],
    ['a catch-all * gives its credit (0)', 'Пушкин', 0],
    ['empty answer matches nothing', '   ', 0],
  ] as const)('%s', (_name, text, fraction) => {
    expect(gradeAnswer(q, { text }).fraction).toBe(fraction);
  });
  it('case-sensitive when the question says so', () => {
    const strict = short([['NaCl', 1]], { caseSensitive: true });
    expect(gradeAnswer(strict, { text: 'NaCl' }).fraction).toBe(1);
    expect(gradeAnswer(strict, { text: 'nacl' }).fraction).toBe(0);
  });
  it('ё equals е only when the question allows it', () => {
    expect(gradeAnswer(short([['ёж', 1]], { yoAsYe: true }), { text: 'еж' }).fraction).toBe(1);
    expect(gradeAnswer(short([['еж', 1]], { yoAsYe: true }), { text: 'ЁЖ' }).fraction).toBe(1);
    expect(gradeAnswer(short([['ёж', 1]]), { text: 'еж' }).fraction).toBe(0);
  });
  it('Unicode NFC: a decomposed й equals the composed one', () => {
    expect(gradeAnswer(short([['йод', 1]]), { text: 'й'.normalize('NFD') + 'од' }).fraction).toBe(1);
  });
  it('regular-expression characters in the key are literal', () => {
    expect(gradeAnswer(short([['a.b (c)', 1]]), { text: 'aXb (c)' }).fraction).toBe(0);
    expect(gradeAnswer(short([['a.b (c)', 1]]), { text: 'a.b (c)' }).fraction).toBe(1);
  });
});

const numeric = (answers: Array<[string, string, number]>) =>
  questionBody.parse({ type: 'numeric', points: 1, prompt: 'Q', answers: answers.map(([value, tolerance, credit]) => ({ value, tolerance, credit })) }) as QuestionOf<'numeric'>;

describe('numeric (value ± tolerance, several values, comma decimals, no thousands separators)', () => {
  const q = numeric([
    ['3.14', '0.01', 1],
    ['3', '0.5', 0.5],
  ]);
  it.each([
    ['exact', '3.14', 1],
    ['comma decimal', '3,14', 1],
    ['upper edge of the tolerance, exactly', '3.15', 1],
    ['lower edge of the tolerance, exactly', '3,13', 1],
    ['just outside: second value with its credit', '3.151', 0.5],
    ['second value', '2.6', 0.5],
    ['outside every value', '4', 0],
    ['thousands separator with a space refused', '3 140', 0],
    ['two separators refused', '1,000.5', 0],
    ['not a number', 'pi', 0],
    ['empty', '', 0],
    ['exponent', '314e-2', 1],
    ['leading plus and spaces', '  +3.14 ', 1],
  ] as const)('%s', (_name, text, fraction) => {
    expect(gradeAnswer(q, { text }).fraction).toBe(fraction);
  });
  it('negative values and zero tolerance', () => {
    const exact = numeric([['-2.5', '0', 1]]);
    expect(gradeAnswer(exact, { text: '-2,5' }).fraction).toBe(1);
    expect(gradeAnswer(exact, { text: '\u22122.5' }).fraction).toBe(1);
    expect(gradeAnswer(exact, { text: '-2.50001' }).fraction).toBe(0);
  });
  it('reads numbers exactly', () => {
    expect(parseTypedNumber('0.1')).toEqual({ digits: 1n, scale: 1 });
    expect(parseTypedNumber('1.000,5')).toBeNull();
    expect(parseTypedNumber('1 000')).toBeNull();
  });
});
