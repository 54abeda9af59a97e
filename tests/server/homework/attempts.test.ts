import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, type AttemptDto, type StudentHomeworkDto, type SubmissionRowDto } from '@tp/shared';
import { createTestApp, nextEventMatching, type TestApp } from '../../setup/app.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildHomework, rightAnswers, type BuiltHomework } from '../../factories/homework.js';
import { buildStudent } from '../../factories/users.js';
import { api, connected } from './helpers.js';

describe('homework attempts over HTTP', () => {
  let app: TestApp;
  let built: BuiltGroup;
  let hw: BuiltHomework;

  beforeAll(async () => {
    app = await createTestApp();
    built = await buildGroup(app, { studentCount: 3 });
    hw = await buildHomework(app, built);
  });

  it('a student starts, autosaves, comes back to every answer, submits once and sees the auto score; free text waits', async () => {
    const [student] = built.students;
    const as = api(app, student.token);
    const list = await as.get('/api/homework');
    expect(list.status).toBe(200);
    const mine = (list.body.homework as StudentHomeworkDto[]).find((h) => h.id === hw.homework.id)!;
    expect(mine.state).toBe('todo');

    const started = await as.post(`/api/homework/${hw.homework.id}/attempts`);
    expect(started.status).toBe(201);
    const attempt = started.body.attempt as AttemptDto;
    expect(attempt.questions).toHaveLength(9);
    // A second start (another tab) gets the same open attempt.
    expect((await as.post(`/api/homework/${hw.homework.id}/attempts`)).body.attempt.id).toBe(attempt.id);

    const answers = rightAnswers(hw.questions);
    for (const [questionId, answer] of Object.entries(answers)) {
      const saved = await as.put(`/api/attempts/${attempt.id}/answers/${questionId}`, { answer });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
    // "Reload": everything is there.
    const again = await as.get(`/api/homework/${hw.homework.id}`);
    expect(again.body.attempts[0].answers).toEqual(answers);
    expect(again.body.student.state).toBe('in_progress');

    const teacherSocket = app.socket(built.teacher.token);
    await connected(teacherSocket);
    const pushed = nextEventMatching<{ homeworkId: string; row: SubmissionRowDto }>(teacherSocket, 'homework:submitted', (p) => p.row.studentId === student.user.id);

    const [first, second] = await Promise.all([as.post(`/api/attempts/${attempt.id}/submit`), as.post(`/api/attempts/${attempt.id}/submit`)]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body).toMatchObject({ id: attempt.id, state: 'submitted', score: 12, maxScore: 17 });
    for (const result of first.body.attempt.results.filter((r: { pending: boolean }) => !r.pending)) expect(result.score).toBe(result.maxScore);
    expect(second.body.id).toBe(attempt.id);
    const pending = first.body.attempt.results.find((r: { pending: boolean }) => r.pending);
    expect(pending).toMatchObject({ score: null, maxScore: 5 });

    const row = (await pushed).row;
    expect(row).toMatchObject({ state: 'submitted', score: 12, pendingManual: 1, attempts: 1, late: false });

    const table = await api(app, built.teacher.token).get(`/api/homework/${hw.homework.id}/submissions`);
    expect(table.body.rows).toHaveLength(3);
    expect(table.body.rows.find((r: SubmissionRowDto) => r.studentId === student.user.id)).toMatchObject({ attempts: 1, score: 12 });

    // The single attempt is used up; answers to a submitted attempt are refused.
    expect((await as.post(`/api/homework/${hw.homework.id}/attempts`)).status).toBe(409);
    const freeText = hw.questions.find((q) => q.type === 'free_text')!;
    expect((await as.put(`/api/attempts/${attempt.id}/answers/${freeText.id}`, { answer: { text: 'changed' } })).status).toBe(409);
  });

  it('the teacher grades the free text and the student sees the grade live', async () => {
    const [student] = built.students;
    const attemptId = (await api(app, student.token).get(`/api/homework/${hw.homework.id}`)).body.attempts[0].id as string;
    const socket = app.socket(student.token);
    await connected(socket);
    const graded = nextEventMatching<{ attempt: AttemptDto }>(socket, 'homework:graded', (p) => p.attempt.id === attemptId);
    const freeText = hw.questions.find((q) => q.type === 'free_text')!;
    const teacher = api(app, built.teacher.token);
    expect((await teacher.post(`/api/attempts/${attemptId}/grades`, { questionId: freeText.id, points: 6 })).status).toBe(400);
    const res = await teacher.post(`/api/attempts/${attemptId}/grades`, { questionId: freeText.id, points: 4.5, comment: 'Lovely' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const event = await graded;
    expect(event.attempt).toMatchObject({ state: 'graded', score: 16.5, pendingManual: 0 });
    expect(event.attempt.results!.find((r) => r.questionId === freeText.id)).toMatchObject({ score: 4.5, comment: 'Lovely', pending: false });
  });

  it('refuses bad answers, others\u2019 attempts and students outside the group', async () => {
    const [, second] = built.students;
    const as = api(app, second.token);
    const attempt = (await as.post(`/api/homework/${hw.homework.id}/attempts`)).body.attempt as AttemptDto;
    const single = hw.questions.find((q) => q.type === 'single_choice')!;
    const freeText = hw.questions.find((q) => q.type === 'free_text')!;
    expect((await as.put(`/api/attempts/${attempt.id}/answers/${single.id}`, { answer: { text: 'x' } })).body.error.code).toBe('homework/invalid-answer');
    expect((await as.put(`/api/attempts/${attempt.id}/answers/${freeText.id}`, { answer: { text: 'word '.repeat(201) } })).body.error.code).toBe('homework/invalid-answer');
    expect((await as.put(`/api/attempts/${attempt.id}/answers/${single.id}`, { answer: 'nope' })).status).toBe(400);
    const other = api(app, built.students[0].token);
    expect((await other.put(`/api/attempts/${attempt.id}/answers/${single.id}`, { answer: { optionId: null } })).status).toBe(404);
    expect((await other.post(`/api/attempts/${attempt.id}/submit`)).status).toBe(404);
    const outsider = await buildStudent(app);
    expect((await api(app, outsider.token).get(`/api/homework/${hw.homework.id}`)).status).toBe(404);
    expect((await api(app, outsider.token).post(`/api/homework/${hw.homework.id}/attempts`)).status).toBe(404);
    expect((await api(app, outsider.token).post(`/api/attempts/${attempt.id}/submit`)).status).toBe(404);
    const saved = await as.get(`/api/homework/${hw.homework.id}`);
    expect(saved.body.attempts[0].answers).toEqual({});
  });

  it('limits a student\u2019s saves per minute (429 with Retry-After), without touching other students', async () => {
    const student = built.students[2];
    const as = api(app, student.token);
    const attempt = (await as.post(`/api/homework/${hw.homework.id}/attempts`)).body.attempt as AttemptDto;
    const freeText = hw.questions.find((q) => q.type === 'free_text')!;
    const statuses: number[] = [];
    // The start counted too.
    for (let i = 0; i < LIMITS.homework.savesPerMinute - 1; i++) statuses.push((await as.put(`/api/attempts/${attempt.id}/answers/${freeText.id}`, { answer: { text: `draft ${i}` } })).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const refused = await as.put(`/api/attempts/${attempt.id}/answers/${freeText.id}`, { answer: { text: 'one too many' } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await api(app, built.students[1].token).get(`/api/homework/${hw.homework.id}`)).status).toBe(200);
    const saved = (await as.get(`/api/homework/${hw.homework.id}`)).body.attempts[0].answers[freeText.id];
    expect(saved).toEqual({ text: `draft ${LIMITS.homework.savesPerMinute - 2}` });
  });
});
