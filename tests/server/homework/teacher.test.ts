import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { questionBody, type AttemptDto, type SubmissionRowDto } from '@tp/shared';
import { createTestApp, nextEventMatching, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup, type BuiltGroup } from '../../factories/groups.js';
import { buildHomework, sampleQuestions } from '../../factories/homework.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { buildTeacher } from '../../factories/users.js';
import { api, connected } from './helpers.js';

describe('homework for teachers', () => {
  let app: TestApp;
  let built: BuiltGroup;

  beforeAll(async () => {
    // A Thursday; the default weekly rule meets on Mondays at 18:00 Moscow (15:00 UTC).
    app = await createTestApp({ clock: new ManualClock(new Date('2026-01-15T10:00:00Z')) });
    built = await buildGroup(app, { studentCount: 2 });
  });

  it('the due time defaults to the next lesson: a rule occurrence, a stored lesson before it, else 7 days', async () => {
    const teacher = api(app, built.teacher.token);
    const publishNew = async (groupId: string) => {
      const created = await teacher.post('/api/homework', { groupId, title: 'Due by default' });
      expect(created.status).toBe(201);
      expect(created.body.homework.dueAt).toBeNull();
      expect((await teacher.post(`/api/homework/${created.body.homework.id}/questions`, sampleQuestions()[2])).status).toBe(201);
      const published = await teacher.post(`/api/homework/${created.body.homework.id}/publish`);
      expect(published.status, published.text).toBe(200);
      return published.body.homework.dueAt as string;
    };
    expect(await publishNew(built.group.id)).toBe('2026-01-22T10:00:00.000Z');
    await buildRule(app, built.teacher, built.group.id);
    expect(await publishNew(built.group.id)).toBe('2026-01-19T15:00:00.000Z');
    await buildLesson(app, built.teacher, built.group.id, '2026-01-17T09:00:00.000Z');
    expect(await publishNew(built.group.id)).toBe('2026-01-17T09:00:00.000Z');
  });

  it('refuses bad input with 4xx and writes nothing', async () => {
    const teacher = api(app, built.teacher.token);
    const hw = (await teacher.post('/api/homework', { groupId: built.group.id, title: 'Checks' })).body.homework;
    const bad = [
      { type: 'multiple_response', points: 1, prompt: 'x', options: [{ text: 'a', credit: 0.3 }, { text: 'b', credit: 0.3 }] },
      { type: 'single_choice', points: 1.005, prompt: 'x', options: [{ text: 'a', credit: 1 }, { text: 'b', credit: 0 }] },
      { type: 'numeric', points: 1, prompt: 'x', answers: [{ value: '1,5', credit: 1 }] },
      { type: 'nope', points: 1, prompt: 'x' },
      { type: 'free_text', points: 1, prompt: 'x', extra: true },
    ];
    for (const body of bad) expect((await teacher.post(`/api/homework/${hw.id}/questions`, body)).status).toBe(400);
    expect((await teacher.post(`/api/homework/${hw.id}/publish`)).body.error.code).toBe('homework/not-editable');
    expect((await teacher.get(`/api/homework/${hw.id}`)).body.questions).toEqual([]);
    const stranger = await buildTeacher(app);
    expect((await api(app, stranger.token).get(`/api/homework/${hw.id}`)).status).toBe(404);
    expect((await api(app, stranger.token).post('/api/homework', { groupId: built.group.id, title: 'x' })).status).toBe(404);
    expect((await api(app, built.students[0].token).post('/api/homework', { groupId: built.group.id, title: 'x' })).status).toBe(403);
    expect((await api(app, built.students[0].token).get(`/api/homework/${hw.id}`)).status).toBe(404);
  });

  it('GIFT: an import with an error imports nothing and names the lines; a good one imports all; export gives GIFT back', async () => {
    const teacher = api(app, built.teacher.token);
    const hw = (await teacher.post('/api/homework', { groupId: built.group.id, title: 'GIFT' })).body.homework;
    const broken = await request(app.url)
      .post(`/api/homework/import/gift?homeworkId=${hw.id}`)
      .set({ Authorization: `Bearer ${built.teacher.token}`, 'Content-Type': 'text/plain' })
      .send('Fine {T}\n\nBroken {=a\n\nMulti {~%30%a ~%30%b ~c}\n');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('homework/gift-invalid');
    expect(Object.keys(broken.body.error.fields)).toEqual(['line 3']);
    const invalid = await teacher.post('/api/homework/import/gift', { homeworkId: hw.id, gift: 'Fine {T}\n\nMulti {~%30%a ~%30%b ~c}\n' });
    expect(Object.keys(invalid.body.error.fields)).toEqual(['line 3']);
    expect((await teacher.get(`/api/homework/${hw.id}`)).body.questions).toEqual([]);
    const gift = "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}\n\nGrant is {~buried =entombed ~living} in Grant's tomb.\n\nPi? {#3.14:0.01}\n";
    const ok = await teacher.post('/api/homework/import/gift', { homeworkId: hw.id, gift });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.imported).toBe(3);
    const exported = await teacher.get(`/api/homework/${hw.id}/export/gift`);
    expect(exported.headers['content-type']).toMatch(/text\/plain/);
    expect(exported.text).toContain('{#3.14:0.01}');
    expect(exported.text).toContain("Who's buried in Grant's tomb? {~Grant ~Jefferson =no one}");
  });

  it('a key change regrades every submitted attempt in one go and pushes the new scores live', async () => {
    const question = questionBody.parse({ type: 'single_choice', points: 2, prompt: 'Which?', shuffle: false, options: [{ text: 'A', credit: 1 }, { text: 'B', credit: 0 }] });
    const hw = await buildHomework(app, built, { questions: [question, sampleQuestions()[2]] });
    const [q] = hw.questions;
    const options = q.type === 'single_choice' ? q.options : [];
    const submitWith = async (index: number, optionId: string) => {
      const as = api(app, built.students[index].token);
      const attempt = (await as.post(`/api/homework/${hw.homework.id}/attempts`)).body.attempt as AttemptDto;
      await as.put(`/api/attempts/${attempt.id}/answers/${q.id}`, { answer: { optionId } });
      return (await as.post(`/api/attempts/${attempt.id}/submit`)).body;
    };
    expect((await submitWith(0, options[0].id!)).score).toBe(2);
    expect((await submitWith(1, options[1].id!)).score).toBe(0);

    const studentSocket = app.socket(built.students[1].token);
    const teacherSocket = app.socket(built.teacher.token);
    await Promise.all([connected(studentSocket), connected(teacherSocket)]);
    const graded = nextEventMatching<{ attempt: AttemptDto }>(studentSocket, 'homework:graded', (p) => p.attempt.homeworkId === hw.homework.id);
    const rowUpdate = nextEventMatching<{ homeworkId: string; row: SubmissionRowDto }>(teacherSocket, 'homework:attempt-updated', (p) => p.homeworkId === hw.homework.id && p.row.studentId === built.students[1].user.id);

    const teacher = api(app, built.teacher.token);
    const { id: _id, position: _position, ...body } = q;
    const swapped = { ...body, options: options.map((o, i) => ({ ...o, credit: i === 1 ? 1 : 0 })) };
    const changed = await teacher.put(`/api/homework/${hw.homework.id}/questions/${q.id}`, swapped);
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.regraded).toBe(2);
    expect((await graded).attempt.score).toBe(2);
    expect((await rowUpdate).row.score).toBe(2);
    const rows = (await teacher.get(`/api/homework/${hw.homework.id}/submissions`)).body.rows as SubmissionRowDto[];
    expect(rows.map((r) => [r.studentId, r.score]).sort()).toEqual([[built.students[0].user.id, 0], [built.students[1].user.id, 2]].sort());

    // Students have answered: the type is fixed, and questions are no longer added or removed.
    expect((await teacher.put(`/api/homework/${hw.homework.id}/questions/${q.id}`, sampleQuestions()[2])).body.error.code).toBe('homework/not-editable');
    expect((await teacher.post(`/api/homework/${hw.homework.id}/questions`, sampleQuestions()[2])).status).toBe(409);
    expect((await teacher.delete(`/api/homework/${hw.homework.id}/questions/${q.id}`)).status).toBe(409);
  });

  it('builds: duplicates and reorders questions', async () => {
    const teacher = api(app, built.teacher.token);
    const hw = await buildHomework(app, built, { publish: false, questions: sampleQuestions().slice(0, 3) });
    const copy = await teacher.post(`/api/homework/${hw.homework.id}/questions/${hw.questions[0].id}/duplicate`);
    expect(copy.status).toBe(201);
    const original = hw.questions[0];
    expect(copy.body.question.prompt).toBe(original.prompt);
    expect(copy.body.question.options[0].id).not.toBe(original.type === 'single_choice' && original.options[0].id);
    const ids = [copy.body.question.id, ...hw.questions.map((q) => q.id).reverse()];
    const reordered = await teacher.put(`/api/homework/${hw.homework.id}/questions/order`, { questionIds: ids });
    expect(reordered.status).toBe(200);
    expect(reordered.body.questions.map((q: { id: string }) => q.id)).toEqual(ids);
    expect((await teacher.put(`/api/homework/${hw.homework.id}/questions/order`, { questionIds: ids.slice(1) })).status).toBe(400);
  });
});
