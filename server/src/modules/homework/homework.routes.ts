import express, { Router } from 'express';
import {
  createHomeworkBody,
  giftImportBody,
  giftImportQuery,
  gradeAnswerBody,
  homeworkListQuery,
  idParam,
  LIMITS,
  overrideBody,
  overrideParams,
  questionBody,
  questionParams,
  reorderQuestionsBody,
  saveAnswerBody,
  updateHomeworkBody,
} from '@tp/shared';
import { authenticate, requireRole, who } from '../../http/guards.js';
import { body, params, parseWith, query } from '../../http/validate.js';
import { AppError } from '../../infra/errors.js';
import type { AppContext } from '../index.js';

/** `/api/homework` (teachers build and publish, students list and take) and `/api/attempts` (autosave, submit, grades). */
export function homeworkRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const homework = services.homework;
  const attempts = homework.attempts;
  router.use(['/homework', '/attempts'], authenticate(infra.tokens));
  const teacher = requireRole('teacher', 'admin');
  const student = requireRole('student');
  const giftText = express.text({ type: 'text/plain', limit: LIMITS.bodyBytes });

  router.post('/homework/import/gift', teacher, giftText, async (req, res) => {
    const { homeworkId, gift } =
      typeof req.body === 'string' ? { homeworkId: query(req, giftImportQuery).homeworkId, gift: req.body } : body(req, giftImportBody);
    if (!homeworkId) throw new AppError('request/invalid', 'Say which homework to import into', { fields: { homeworkId: 'required' } });
    res.status(201).json(await homework.importGift(who(req), homeworkId, parseWith(giftImportBody.shape.gift, gift, 'GIFT text')));
  });
  router.get('/homework', async (req, res) => {
    res.json({ homework: await homework.list(who(req), query(req, homeworkListQuery)) });
  });
  router.post('/homework', teacher, async (req, res) => {
    res.status(201).json({ homework: await homework.create(who(req), body(req, createHomeworkBody)) });
  });
  router.get('/homework/:id', async (req, res) => {
    res.json(await homework.get(who(req), params(req, idParam).id));
  });
  router.patch('/homework/:id', teacher, async (req, res) => {
    res.json({ homework: await homework.update(who(req), params(req, idParam).id, body(req, updateHomeworkBody)) });
  });
  router.post('/homework/:id/questions', teacher, async (req, res) => {
    res.status(201).json({ question: await homework.addQuestion(who(req), params(req, idParam).id, body(req, questionBody)) });
  });
  router.put('/homework/:id/questions/order', teacher, async (req, res) => {
    res.json({ questions: await homework.reorder(who(req), params(req, idParam).id, body(req, reorderQuestionsBody).questionIds) });
  });
  router.put('/homework/:id/questions/:questionId', teacher, async (req, res) => {
    const { id, questionId } = params(req, questionParams);
    res.json(await homework.updateQuestion(who(req), id, questionId, body(req, questionBody)));
  });
  router.post('/homework/:id/questions/:questionId/duplicate', teacher, async (req, res) => {
    const { id, questionId } = params(req, questionParams);
    res.status(201).json({ question: await homework.duplicateQuestion(who(req), id, questionId) });
  });
  router.delete('/homework/:id/questions/:questionId', teacher, async (req, res) => {
    const { id, questionId } = params(req, questionParams);
    await homework.deleteQuestion(who(req), id, questionId);
    res.status(204).end();
  });
  for (const [action, run] of [
    ['publish', homework.publish],
    ['close', homework.close],
    ['release', homework.releaseResults],
  ] as const) {
    router.post(`/homework/:id/${action}`, teacher, async (req, res) => {
      res.json({ homework: await run.call(homework, who(req), params(req, idParam).id) });
    });
  }
  router.get('/homework/:id/submissions', teacher, async (req, res) => {
    res.json(await homework.submissions(who(req), params(req, idParam).id));
  });
  router.get('/homework/:id/students/:studentId/attempts', teacher, async (req, res) => {
    const { id, studentId } = params(req, overrideParams);
    res.json({ attempts: await homework.studentAttempts(who(req), id, studentId) });
  });
  router.put('/homework/:id/overrides/:studentId', teacher, async (req, res) => {
    const { id, studentId } = params(req, overrideParams);
    res.json({ row: await homework.setOverride(who(req), id, studentId, body(req, overrideBody)) });
  });
  router.get('/homework/:id/export/gift', teacher, async (req, res) => {
    const text = await homework.exportGift(who(req), params(req, idParam).id);
    res.type('text/plain; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="homework.gift.txt"');
    res.send(text);
  });

  router.post('/homework/:id/attempts', student, async (req, res) => {
    res.status(201).json({ attempt: await attempts.start(who(req), params(req, idParam).id) });
  });
  router.put('/attempts/:id/answers/:questionId', student, async (req, res) => {
    const { id, questionId } = params(req, questionParams);
    res.json(await attempts.saveAnswer(who(req), id, questionId, body(req, saveAnswerBody).answer));
  });
  router.post('/attempts/:id/submit', student, async (req, res) => {
    res.json(await attempts.submit(who(req), params(req, idParam).id));
  });
  router.post('/attempts/:id/grades', teacher, async (req, res) => {
    res.json({ attempt: await attempts.grade(who(req), params(req, idParam).id, body(req, gradeAnswerBody)) });
  });
  return router;
}
