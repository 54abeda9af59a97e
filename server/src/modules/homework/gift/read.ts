import type { QuestionBody } from '@tp/shared';
import { hideEscapes, revealEscapes } from './escape.js';

/** A GIFT problem at a line of the file (1-based). */
export interface GiftError {
  line: number;
  message: string;
}

export type GiftParseResult = { ok: true; questions: Array<{ line: number; question: unknown }> } | { ok: false; errors: GiftError[] };

interface Entry {
  mark: '=' | '~';
  credit: number | null;
  text: string;
  feedback?: string;
}

class GiftSyntaxError extends Error {}
const fail = (message: string): never => {
  throw new GiftSyntaxError(message);
};

/** Blocks of consecutive non-blank lines, comments and `$CATEGORY:` lines left out, with their first line number. */
function blocks(text: string): Array<{ line: number; text: string }> {
  const result: Array<{ line: number; text: string }> = [];
  let current: { line: number; lines: string[] } | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('//') || trimmed.startsWith('$CATEGORY:')) return;
    if (!trimmed) {
      if (current) result.push({ line: current.line, text: current.lines.join('\n') });
      current = null;
      return;
    }
    if (!current) current = { line: index + 1, lines: [] };
    current.lines.push(raw);
  });
  if (current) result.push({ line: (current as { line: number }).line, text: (current as { lines: string[] }).lines.join('\n') });
  return result;
}

const clean = (text: string) => revealEscapes(text).trim();

/** `%50%` → 0.5; absent → null. */
function readCredit(text: string): { credit: number | null; rest: string } {
  const match = /^%(-?\d+(?:\.\d+)?)%/.exec(text);
  if (!match) return { credit: null, rest: text };
  const percent = Number(match[1]);
  if (percent < -100 || percent > 100) fail(`weight ${match[1]}% is outside −100…100`);
  return { credit: percent / 100, rest: text.slice(match[0].length) };
}

function splitFeedback(text: string): { text: string; feedback?: string } {
  const at = text.indexOf('#');
  if (at < 0) return { text: clean(text) };
  const feedback = clean(text.slice(at + 1));
  return { text: clean(text.slice(0, at)), ...(feedback ? { feedback } : {}) };
}

/** `=a ~b ~%50%c#nice` → entries. */
function entries(body: string): Entry[] {
  const parts = body.split(/(?=[=~])/).map((p) => p.trim()).filter(Boolean);
  return parts.map((part) => {
    const mark = part[0];
    if (mark !== '=' && mark !== '~') fail(`expected = or ~ before "${clean(part).slice(0, 30)}"`);
    const { credit, rest } = readCredit(part.slice(1).trim());
    const { text, feedback } = splitFeedback(rest);
    return { mark: mark as '=' | '~', credit, text, feedback };
  });
}

/** `3.14:0.01`, `1..5` or `42` → value and tolerance as decimal strings. */
function numericValue(text: string): { value: string; tolerance: string } {
  const number = /^-?\d+(?:\.\d+)?$/;
  const range = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)$/.exec(text);
  if (range) {
    const [low, high] = [Number(range[1]), Number(range[2])];
    if (low > high) fail(`range ${text} runs backwards`);
    const digits = Math.max(...[range[1], range[2]].map((v) => v.split('.')[1]?.length ?? 0)) + 1;
    return { value: String(Number(((low + high) / 2).toFixed(digits))), tolerance: String(Number(((high - low) / 2).toFixed(digits))) };
  }
  const [value, tolerance = '0', extra] = text.split(':').map((s) => s.trim());
  if (extra !== undefined || !number.test(value) || !number.test(tolerance)) fail(`"${text}" is not a number, number:tolerance or low..high`);
  return { value, tolerance: tolerance.replace(/^-/, '') };
}

function readNumeric(body: string) {
  const list = body.includes('=') ? body.split('=').map((s) => s.trim()).filter(Boolean) : [body.trim()];
  const answers = list.map((item) => {
    const { credit, rest } = readCredit(item);
    const { text, feedback } = splitFeedback(rest.split('~')[0]);
    return { ...numericValue(text), credit: credit ?? 1, ...(feedback ? { feedback } : {}) };
  });
  if (!answers.length) fail('a numeric question needs a value');
  return { type: 'numeric' as const, answers };
}

function readMatching(list: Entry[]) {
  const pairs: Array<{ stem: string; choice: string }> = [];
  const distractors: Array<{ text: string }> = [];
  for (const entry of list) {
    if (entry.mark !== '=') fail('matching pairs are written =stem -> choice');
    const [stem, choice] = entry.text.split('->').map((s) => s.trim());
    if (choice === undefined || !choice) fail(`"${entry.text}" is not a pair: stem -> choice`);
    if (stem) pairs.push({ stem, choice });
    else distractors.push({ text: choice });
  }
  return { type: 'matching' as const, pairs, distractors };
}

function readChoices(list: Entry[]) {
  const right = list.filter((e) => e.mark === '=');
  const feedbackOf = (e: Entry) => (e.feedback ? { feedback: e.feedback } : {});
  if (right.length === list.length) {
    return { type: 'short_answer' as const, answers: list.map((e) => ({ text: e.text, credit: e.credit ?? 1, ...feedbackOf(e) })) };
  }
  if (right.length === 1 && right[0].credit === null) {
    return { type: 'single_choice' as const, options: list.map((e) => ({ text: e.text, credit: e.mark === '=' ? 1 : (e.credit ?? 0), ...feedbackOf(e) })) };
  }
  if (right.length === 0 && list.some((e) => (e.credit ?? 0) > 0)) {
    return { type: 'multiple_response' as const, options: list.map((e) => ({ text: e.text, credit: e.credit ?? 0, ...feedbackOf(e) })) };
  }
  return fail('a choice question needs exactly one =right answer (or ~%n% weights for several right answers)');
}

function readAnswerBlock(raw: string): Record<string, unknown> {
  const [body, general] = raw.split('####');
  const extra = general !== undefined && clean(general) ? { feedback: clean(general) } : {};
  const trimmed = body.trim();
  if (!trimmed) return { type: 'free_text', ...extra };
  const tf = /^(T|TRUE|F|FALSE)\s*(?:#([^#]*))?(?:#([^#]*))?$/i.exec(trimmed);
  if (tf) {
    const correct = tf[1].toUpperCase().startsWith('T');
    const [wrong, right] = [tf[2] ? clean(tf[2]) : undefined, tf[3] ? clean(tf[3]) : undefined];
    const [feedbackTrue, feedbackFalse] = correct ? [right, wrong] : [wrong, right];
    return { type: 'true_false', correct, ...(feedbackTrue ? { feedbackTrue } : {}), ...(feedbackFalse ? { feedbackFalse } : {}), ...extra };
  }
  if (trimmed.startsWith('#')) return { ...readNumeric(trimmed.slice(1)), ...extra };
  const list = entries(trimmed);
  if (!list.length) fail('the answer block is empty of answers');
  if (list.some((e) => e.text.includes('->'))) return { ...readMatching(list), ...extra };
  return { ...readChoices(list), ...extra };
}

/** One question block → a question body (validated later against the shared schema). */
function readQuestion(block: string): Record<string, unknown> {
  let text = hideEscapes(block);
  const name = /^\s*::(.*?)::/s.exec(text);
  if (name) text = text.slice(name[0].length);
  text = text.replace(/^\s*\[(html|moodle|plain|markdown)\]/i, '');
  const open = text.indexOf('{');
  if (open < 0) fail('no answer block {…}');
  const close = text.indexOf('}', open);
  if (close < 0) fail('the answer block is not closed with }');
  if (text.indexOf('{', open + 1) >= 0 && text.indexOf('{', open + 1) < close) fail('an answer block may not contain {; escape it as \\{');
  const before = clean(text.slice(0, open));
  const after = clean(text.slice(close + 1));
  if (after.includes('{')) fail('only one answer block per question');
  const answer = readAnswerBlock(text.slice(open + 1, close));
  const prompt = before || (name ? clean(name[1]) : '');
  // A tail of punctuation only (`{#1822}.`) closes the sentence: no blank to fill.
  if (/^[\p{P}\s]*$/u.test(after)) return { ...answer, points: 1, prompt: prompt || '…' };
  // Text after the block: the missing-word form, a cloze with one gap.
  const gapRule =
    answer.type === 'single_choice'
      ? { kind: 'choice', options: answer.options }
      : answer.type === 'short_answer'
        ? { kind: 'short_answer', answers: answer.answers }
        : answer.type === 'numeric'
          ? { kind: 'numeric', answers: answer.answers }
          : fail(`a ${String(answer.type)} question cannot be a missing word`);
  const clozeText = `${before} {{1}} ${after}`.trim();
  return { type: 'cloze', points: 1, prompt: name ? clean(name[1]) || '…' : '…', text: clozeText, gaps: [{ weight: 1, rule: gapRule }], ...(answer.feedback ? { feedback: answer.feedback } : {}) };
}

/** Reads a GIFT file; every block is tried so all errors come back together, each with its line. */
export function readGift(text: string): GiftParseResult {
  const questions: Array<{ line: number; question: unknown }> = [];
  const errors: GiftError[] = [];
  for (const block of blocks(text)) {
    try {
      questions.push({ line: block.line, question: readQuestion(block.text) });
    } catch (error) {
      if (!(error instanceof GiftSyntaxError)) throw error;
      errors.push({ line: block.line, message: error.message });
    }
  }
  if (!questions.length && !errors.length) errors.push({ line: 1, message: 'no questions found' });
  return errors.length ? { ok: false, errors } : { ok: true, questions };
}

export type ImportedQuestion = QuestionBody;
