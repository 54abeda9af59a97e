import { Router } from 'express';
import { calendarQuery, createLessonBody, deleteRuleQuery, eventIdParam, idParam, recurringRuleBody, updateLessonBody, updateRecurringRuleBody } from '@tp/shared';
import { authenticate, requireRole, who } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import type { AppContext } from '../index.js';

/** `/api/calendar`, `/api/lessons`, `/api/recurring-lessons`: teachers write, everyone reads what they may see. */
export function scheduleRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const { schedule, recurringRules } = services;
  for (const prefix of ['/calendar', '/lessons', '/recurring-lessons']) router.use(prefix, authenticate(infra.tokens));
  const teacher = requireRole('teacher');

  router.get('/calendar', async (req, res) => {
    const events = await schedule.calendar(who(req), query(req, calendarQuery));
    // A year can be megabytes: send it as is, without hashing the body for an ETag (calendars change live anyway).
    const json = JSON.stringify({ events });
    res.status(200).type('application/json').setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', Buffer.byteLength(json));
    res.end(json);
  });

  router.post('/lessons', teacher, async (req, res) => {
    res.status(201).json(await schedule.createLesson(who(req), body(req, createLessonBody)));
  });
  router.get('/lessons/:id', async (req, res) => {
    res.json(await schedule.getEvent(who(req), params(req, eventIdParam).id));
  });
  router.patch('/lessons/:id', teacher, async (req, res) => {
    const { id } = params(req, eventIdParam);
    res.json(await schedule.updateLesson(who(req), id, body(req, updateLessonBody)));
  });
  router.delete('/lessons/:id', teacher, async (req, res) => {
    res.json(await schedule.cancelLesson(who(req), params(req, eventIdParam).id));
  });

  router.post('/recurring-lessons', teacher, async (req, res) => {
    const rule = await recurringRules.create(who(req), body(req, recurringRuleBody));
    res.status(201).json({ rule, capacityWarning: await recurringRules.capacityWarning(rule) });
  });
  router.get('/recurring-lessons', async (req, res) => {
    res.json({ rules: await recurringRules.list(who(req)) });
  });
  router.get('/recurring-lessons/:id', async (req, res) => {
    res.json({ rule: await recurringRules.get(who(req), params(req, idParam).id) });
  });
  router.patch('/recurring-lessons/:id', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    const result = await recurringRules.update(who(req), id, body(req, updateRecurringRuleBody));
    res.json({ ...result, capacityWarning: await recurringRules.capacityWarning(result.rule) });
  });
  router.delete('/recurring-lessons/:id', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    await recurringRules.remove(who(req), id, query(req, deleteRuleQuery).fromDate);
    res.status(204).end();
  });
  return router;
}
