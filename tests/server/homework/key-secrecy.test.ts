import { beforeAll, describe, expect, it } from 'vitest';
import { questionBody, QUESTION_TYPES, type AttemptDto, type QuestionBody, type StudentQuestionDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildHomework } from '../../factories/homework.js';
import { api, connected } from './helpers.js';

/** Every question type with key material that is easy to spot: "KEY…" texts, odd numbers, feedback. */
const SECRET_QUESTIONS: QuestionBody[] = [
  { type: 'single_choice', points: 1, prompt: 'Pick', options: [{ text: 'A', credit: 1, feedback: 'KEYFB1' }, { text: 'B', credit: -0.5 }] },
  { type: 'multiple_response', points: 1, prompt: 'Tick', options: [{ text: 'A', credit: 0.5 }, { text: 'B', credit: 0.5 }, { text: 'C' }] },
  { type: 'true_false', points: 1, prompt: 'True?', correct: false, feedbackTrue: 'KEYFB2', feedbackFalse: 'KEYFB3' },
  { type: 'short_answer', points: 1, prompt: 'Type', answers: [{ text: 'KEYTEXT1', credit: 1 }, { text: 'KEYTEXT2*', credit: 0.5 }] },
  { type: 'numeric', points: 1, prompt: 'Number', answers: [{ value: '271828', tolerance: '0.0042', credit: 1 }] },
  { type: 'matching', points: 1, prompt: 'Match', pairs: [{ stem: 's1', choice: 'c1' }, { stem: 's2', choice: 'c2' }, { stem: 's3', choice: 'c3' }], distractors: [{ text: 'd1' }] },
  { type: 'ordering', points: 1, prompt: 'Order', items: [{ text: 'o1' }, { text: 'o2' }, { text: 'o3' }, { text: 'o4' }], grading: 'longest_ordered_subsequence' },
  { type: 'cloze', points: 1, prompt: 'Gaps', text: 'x {{1}} y {{2}} z {{3}}', gaps: [{ rule: { kind: 'short_answer', answers: [{ text: 'KEYGAP', credit: 1 }] } }, { rule: { kind: 'numeric', answers: [{ value: '314159', tolerance: '0.0077', credit: 1 }] } }, { rule: { kind: 'choice', options: [{ text: 'g1', credit: 1 }, { text: 'g2', credit: 0 }] } }] },
  { type: 'free_text', points: 1, prompt: 'Write', feedback: 'KEYGENERAL' },
].map((q) => questionBody.parse(q));

const FORBIDDEN_FIELDS = ['credit', 'correct', 'tolerance', 'choiceId', 'grading', 'feedbackTrue', 'feedbackFalse', 'rule', 'distractors'];
const FORBIDDEN_TEXTS = ['KEYFB', 'KEYTEXT', 'KEYGAP', 'KEYGENERAL', '271828', '0.0042', '314159', '0.0077'];

/** Answers a student could give from what they see (never typed from the key, so an echo of them is no leak). */
function answersFromView(questions: StudentQuestionDto[]): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const q of questions) {
    if (q.type === 'single_choice') answers[q.id] = { optionId: q.options[0].id };
    else if (q.type === 'multiple_response') answers[q.id] = { optionIds: [q.options[0].id, q.options[1].id] };
    else if (q.type === 'true_false') answers[q.id] = { value: true };
    else if (q.type === 'short_answer' || q.type === 'free_text') answers[q.id] = { text: 'my guess' };
    else if (q.type === 'numeric') answers[q.id] = { text: '12,5' };
    else if (q.type === 'matching') answers[q.id] = { pairs: Object.fromEntries(q.stems.map((s, i) => [s.id, q.choices[i].id])) };
    else if (q.type === 'ordering') answers[q.id] = { order: q.items.map((i) => i.id) };
    else if (q.type === 'cloze') answers[q.id] = { gaps: Object.fromEntries(q.gaps.map((g) => [g.id, g.options ? g.options[0].id : 'guess'])) };
  }
  return answers;
}

/** Every field name anywhere in a JSON value. */
function fieldNames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => fieldNames(v, into));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      fieldNames(inner, into);
    }
  }
  return into;
}

describe('the answer key never reaches a student before results are released', () => {
  let app: TestApp;
  let built: BuiltGroup;
  const seen: Array<{ what: string; body: unknown }> = [];

  beforeAll(async () => {
    app = await createTestApp();
    built = await buildGroup(app, { studentCount: 2 });
  });

  it('covers every type', () => {
    expect(new Set(SECRET_QUESTIONS.map((q) => q.type))).toEqual(new Set(QUESTION_TYPES));
  });

  it('in no response and no event a student receives, for every type', async () => {
    const [student] = built.students;
    const socket = app.socket(student.token);
    await connected(socket);
    socket.onAny((event: string, payload: unknown) => seen.push({ what: `event ${event}`, body: payload }));
    const hw = await buildHomework(app, built, { questions: SECRET_QUESTIONS, releaseResults: 'manual', attemptsAllowed: 2 });
    const as = api(app, student.token);
    const record = async (what: string, call: Promise<{ status: number; body: unknown; text: string }>) => {
      const res = await call;
      expect(res.status, `${what}: ${res.text}`).toBeLessThan(300);
      seen.push({ what, body: res.body });
      return res.body as Record<string, unknown>;
    };
    await record('list', as.get('/api/homework'));
    await record('list by group', as.get(`/api/homework?groupId=${built.group.id}`));
    await record('get before start', as.get(`/api/homework/${hw.homework.id}`));
    const attempt = (await record('start', as.post(`/api/homework/${hw.homework.id}/attempts`))).attempt as AttemptDto;
    for (const [questionId, answer] of Object.entries(answersFromView(attempt.questions!))) {
      await record(`save ${questionId}`, as.put(`/api/attempts/${attempt.id}/answers/${questionId}`, { answer }));
    }
    await record('get during', as.get(`/api/homework/${hw.homework.id}`));
    await record('submit', as.post(`/api/attempts/${attempt.id}/submit`));
    await record('get after submit', as.get(`/api/homework/${hw.homework.id}`));
    // The teacher grades the free text and edits a key (regrade): both reach the student as events.
    const freeText = hw.questions.find((q) => q.type === 'free_text')!;
    const teacher = api(app, built.teacher.token);
    expect((await teacher.post(`/api/attempts/${attempt.id}/grades`, { questionId: freeText.id, points: 1 })).status).toBe(200);
    const single = hw.questions.find((q) => q.type === 'single_choice')!;
    const { id: _id, position: _position, ...body } = single;
    expect((await teacher.put(`/api/homework/${hw.homework.id}/questions/${single.id}`, { ...body, points: 2 })).status).toBe(200);
    await record('second attempt', as.post(`/api/homework/${hw.homework.id}/attempts`));
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(seen.some((s) => s.what === 'event homework:published')).toBe(true);
    expect(seen.filter((s) => s.what === 'event homework:graded').length).toBeGreaterThanOrEqual(2);
    for (const { what, body } of seen) {
      const names = fieldNames(body);
      for (const field of FORBIDDEN_FIELDS) expect(names.has(field), `${what} carries "${field}"`).toBe(false);
      const text = JSON.stringify(body);
      for (const secret of FORBIDDEN_TEXTS) expect(text.includes(secret), `${what} carries "${secret}"`).toBe(false);
      // Scores are key material too while results are not released.
      expect(/"score":[0-9]/.test(text), `${what} shows a score`).toBe(false);
    }

    // The ordering question never arrives in its right order.
    const ordering = hw.questions.find((q) => q.type === 'ordering')!;
    const shown = attempt.questions!.find((q) => q.id === ordering.id)!;
    expect(shown.type === 'ordering' && shown.items.map((i) => i.id)).not.toEqual(ordering.type === 'ordering' && ordering.items.map((i) => i.id));
  });

  it('options are shuffled per student and stable within an attempt', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ text: `opt${i}`, credit: i === 0 ? 1 : 0 }));
    const hw = await buildHomework(app, built, { questions: [questionBody.parse({ type: 'single_choice', points: 1, prompt: 'Many', options: many })] });
    const orders = [];
    for (const student of built.students) {
      const as = api(app, student.token);
      const first = (await as.post(`/api/homework/${hw.homework.id}/attempts`)).body.attempt as AttemptDto;
      const again = (await as.get(`/api/homework/${hw.homework.id}`)).body.attempts[0] as AttemptDto;
      const order = (a: AttemptDto) => (a.questions![0] as { options: Array<{ text: string }> }).options.map((o) => o.text);
      expect(order(again)).toEqual(order(first));
      orders.push(order(first).join());
    }
    // Two students, 8! orders: the same order by chance is 1 in 40 320.
    expect(orders[0]).not.toEqual(orders[1]);
  });

  it('after "Release results" the student sees scores', async () => {
    const [student] = built.students;
    const hw = (await api(app, student.token).get('/api/homework')).body.homework.find((h: { releaseResults: string }) => h.releaseResults === 'manual');
    expect((await api(app, built.teacher.token).post(`/api/homework/${hw.id}/release`)).status).toBe(200);
    const after = (await api(app, student.token).get(`/api/homework/${hw.id}`)).body;
    expect(after.attempts[0]).toMatchObject({ resultsVisible: true, pendingManual: 0 });
    expect(after.attempts[0].score).toBeGreaterThan(0);
    expect(after.student.score).toBe(after.attempts[0].score);
    expect(after.attempts[0].results.find((r: { feedback: string | null }) => r.feedback === 'KEYGENERAL')).toBeTruthy();
  });
});
