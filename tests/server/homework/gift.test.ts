import { describe, expect, it } from 'vitest';
import { questionBody, type QuestionBody } from '@tp/shared';
import { readGift } from '../../../server/src/modules/homework/gift/read.js';
import { writeGift } from '../../../server/src/modules/homework/gift/write.js';

/** Questions read and validated as the import does. */
function read(text: string): QuestionBody[] {
  const result = readGift(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.questions.map((q) => questionBody.parse(q.question));
}

// The examples of the GIFT format's own documentation.
const DOCUMENTED = `// ===Multiple Choice===
Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

The American holiday of Thanksgiving is celebrated on the {
    ~second
    ~third
    =fourth
} Thursday of November.

Japanese characters originally came from what country? {
    ~India
    =China
    ~Korea
    ~Egypt}

// ===Short Answer===
Who's buried in Grant's tomb?{=no one =nobody}

Two plus two equals {=four =4}.

// ===True-False===
Grant was buried in a tomb in New York City.{T}

The sun rises in the West.{FALSE}

// ===Matching===
Match the following countries with their corresponding capitals. {
    =Canada -> Ottawa
    =Italy  -> Rome
    =Japan  -> Tokyo
    =India  -> New Delhi
    }

// ===Numerical===
When was Ulysses S. Grant born? {#1822}

What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.

What is the value of pi (to 3 decimal places)? {#3.141..3.142}.

When was Ulysses S. Grant born? {#
    =1822:0
    =%50%1822:2}

// ===Multiple answers===
What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}

// ===Feedback and escapes===
What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

Which answer equals 5? {
   ~ \\= 2 + 2
   = \\= 2 + 3
   ~ \\= 2 + 4 }

::Essay::Write a short biography of Dag Hammarskjöld. {}
`;

describe('GIFT import', () => {
  const questions = read(DOCUMENTED);
  it('reads every documented example', () => {
    expect(questions.map((q) => q.type)).toEqual([
      'single_choice', 'cloze', 'cloze', 'single_choice',
      'short_answer', 'short_answer',
      'true_false', 'true_false',
      'matching',
      'numeric', 'numeric', 'numeric', 'numeric',
      'multiple_response',
      'single_choice', 'single_choice', 'free_text',
    ]);
  });
  it('keeps keys, credits, tolerances, ranges, feedback and escapes', () => {
    expect(questions[0]).toMatchObject({ prompt: "Who's buried in Grant's tomb?", options: [{ text: 'Grant', credit: 0 }, { text: 'Jefferson', credit: 0 }, { text: 'no one', credit: 1 }] });
    expect(questions[1]).toMatchObject({ type: 'cloze', text: "Grant is {{1}} in Grant's tomb.", gaps: [{ rule: { kind: 'choice', options: [{ text: 'buried' }, { text: 'entombed', credit: 1 }, { text: 'living' }] } }] });
    // A tail of punctuation only is the end of the sentence, not a blank.
    expect(questions[5]).toMatchObject({ type: 'short_answer', prompt: 'Two plus two equals', answers: [{ text: 'four' }, { text: '4' }] });
    expect(questions[6]).toMatchObject({ type: 'true_false', correct: true });
    expect(questions[7]).toMatchObject({ type: 'true_false', correct: false });
    expect(questions[8]).toMatchObject({ pairs: [{ stem: 'Canada', choice: 'Ottawa' }, { stem: 'Italy', choice: 'Rome' }, { stem: 'Japan', choice: 'Tokyo' }, { stem: 'India', choice: 'New Delhi' }] });
    expect(questions[10]).toMatchObject({ type: 'numeric', answers: [{ value: '3.1415', tolerance: '0.0005', credit: 1 }] });
    expect(questions[11]).toMatchObject({ answers: [{ value: '3.1415', tolerance: '0.0005' }] });
    expect(questions[12]).toMatchObject({ answers: [{ value: '1822', tolerance: '0', credit: 1 }, { value: '1822', tolerance: '2', credit: 0.5 }] });
    expect(questions[13]).toMatchObject({ type: 'multiple_response', options: [{ credit: -1 }, { credit: 0.5 }, { credit: 0.5 }, { credit: -1 }] });
    expect(questions[14]).toMatchObject({ options: [{ text: 'yellow', credit: 1, feedback: 'right; good!' }, { text: 'red', feedback: "wrong, it's yellow" }, { text: 'blue' }] });
    expect(questions[15]).toMatchObject({ options: [{ text: '= 2 + 2' }, { text: '= 2 + 3', credit: 1 }, { text: '= 2 + 4' }] });
    expect(questions[16]).toMatchObject({ type: 'free_text', prompt: 'Write a short biography of Dag Hammarskjöld.' });
  });

  it('reports errors with their line numbers and nothing else', () => {
    const text = `Fine {T}\n\n// a comment\nBroken {=a =%50%b ~c ~d}\n\nNo block at all\n\nOpen {=a\n\nNumber {#abc}\n`;
    const result = readGift(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([4, 6, 8, 10]);
    expect(result.errors[2].message).toMatch(/not closed/);
  });
});

describe('GIFT export', () => {
  it('round trip: export → import gives the same questions, and exporting again the same text', () => {
    const first = writeGift(read(DOCUMENTED));
    const again = read(first);
    expect(again).toEqual(read(DOCUMENTED));
    expect(writeGift(again)).toBe(first);
  });
  it('round trip of questions built by hand, escapes included', () => {
    const built = [
      questionBody.parse({ type: 'short_answer', points: 1, prompt: 'Ratio a:b {x}?', answers: [{ text: '1:2', credit: 1 }, { text: '2~4', credit: 0.5, feedback: 'half # there' }] }),
      questionBody.parse({ type: 'numeric', points: 1, prompt: 'g?', answers: [{ value: '9.81', tolerance: '0.01', credit: 1 }, { value: '10', tolerance: '0', credit: 0.5 }], feedback: 'General' }),
      questionBody.parse({ type: 'true_false', points: 1, prompt: 'Is 2 = 2?', correct: true, feedbackTrue: 'Yes', feedbackFalse: 'No' }),
      questionBody.parse({ type: 'matching', points: 1, prompt: 'Match', pairs: [{ stem: 'a', choice: 'A' }, { stem: 'b', choice: 'B' }], distractors: [{ text: 'C' }] }),
    ];
    expect(read(writeGift(built))).toEqual(built);
  });
  it('lists what GIFT cannot say as comments', () => {
    const ordering = questionBody.parse({ type: 'ordering', points: 1, prompt: 'Order', items: [{ text: 'a' }, { text: 'b' }] });
    expect(writeGift([ordering])).toMatch(/^\/\/ question 1 \(ordering\) has no GIFT form/);
  });
});
