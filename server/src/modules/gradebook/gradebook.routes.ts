import { Router } from 'express';
import {
  createControlPointBody,
  dashboardQuery,
  exportQuery,
  gradebookSettingsBody,
  idParam,
  myGradesQuery,
  progressParams,
  putScoresBody,
  updateControlPointBody,
} from '@tp/shared';
import { authenticate, requireRole, who } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import type { AppContext } from '../index.js';
import { exportGradebook } from './gradebook.export.js';
import { dashboard, progress } from './gradebook.dashboard.js';

/** Control points, gradebook settings, the table, its export and dashboards, and a student's own grades. */
export function gradebookRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const gradebook = services.gradebook;
  const points = gradebook.controlPoints;
  router.use(['/groups/:id/control-points', '/groups/:id/gradebook', '/groups/:id/gradebook-settings', '/control-points', '/me/grades'], authenticate(infra.tokens));
  const teacher = requireRole('teacher');
  const teacherOrAdmin = requireRole('teacher', 'admin');

  router.get('/groups/:id/control-points', teacherOrAdmin, async (req, res) => {
    const group = await gradebook.tableAccess(who(req), params(req, idParam).id);
    res.json({ controlPoints: await points.list(group.id) });
  });
  router.post('/groups/:id/control-points', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    res.status(201).json({ controlPoint: await points.create(who(req), id, body(req, createControlPointBody)) });
  });
  router.patch('/control-points/:id', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    res.json({ controlPoint: await points.update(who(req), id, body(req, updateControlPointBody)) });
  });
  router.delete('/control-points/:id', teacher, async (req, res) => {
    await points.remove(who(req), params(req, idParam).id);
    res.status(204).end();
  });
  router.get('/control-points/:id/scores', teacherOrAdmin, async (req, res) => {
    res.json(await points.scores(who(req), params(req, idParam).id, (actor, groupId) => gradebook.tableAccess(actor, groupId)));
  });
  router.put('/control-points/:id/scores', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    res.json(await points.putScores(who(req), id, body(req, putScoresBody)));
  });

  router.get('/groups/:id/gradebook-settings', teacherOrAdmin, async (req, res) => {
    res.json(await gradebook.settings(who(req), params(req, idParam).id));
  });
  router.put('/groups/:id/gradebook-settings', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    res.json(await gradebook.saveSettings(who(req), id, body(req, gradebookSettingsBody)));
  });

  router.get('/groups/:id/gradebook', async (req, res) => {
    res.type('application/json').send(await gradebook.gradebookJson(who(req), params(req, idParam).id));
  });
  router.get('/groups/:id/gradebook/export', teacherOrAdmin, async (req, res) => {
    const { id } = params(req, idParam);
    const { format } = query(req, exportQuery);
    const [{ model, table }, reader] = await Promise.all([gradebook.fullTable(who(req), id), services.users.getById(who(req).userId)]);
    const file = await exportGradebook(model, table, format, infra.clock.now(), { locale: reader.locale, timezone: reader.timezone });
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', file.disposition);
    res.send(file.body);
  });
  router.get('/groups/:id/gradebook/dashboard', teacherOrAdmin, async (req, res) => {
    const { id } = params(req, idParam);
    const { threshold } = query(req, dashboardQuery);
    const { table } = await gradebook.fullTable(who(req), id);
    res.json(dashboard(table, threshold));
  });
  router.get('/groups/:id/gradebook/students/:studentId/progress', async (req, res) => {
    const { id, studentId } = params(req, progressParams);
    const { model, table, asStudent } = await gradebook.progressTable(who(req), id, studentId);
    res.json(progress(model, table, studentId, asStudent));
  });

  router.get('/me/grades', requireRole('student'), async (req, res) => {
    res.json(await gradebook.myGrades(who(req), query(req, myGradesQuery).groupId));
  });
  return router;
}
