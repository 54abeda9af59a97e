import { Router } from 'express';
import { addStudentBody, createGroupBody, groupStudentParams, groupsQuery, idParam, joinGroupBody, updateGroupBody } from '@tp/shared';
import { authenticate, requireRole, who } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import type { AppContext } from '../index.js';

/** `/api/groups`: teachers manage their groups, students join and read theirs, admins read all. */
export function groupsRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const groups = services.groups;
  router.use('/groups', authenticate(infra.tokens));
  const teacher = requireRole('teacher');

  router.get('/groups', async (req, res) => {
    res.json({ groups: await groups.list(who(req), query(req, groupsQuery)) });
  });
  router.post('/groups', teacher, async (req, res) => {
    res.status(201).json({ group: await groups.create(who(req), body(req, createGroupBody).name) });
  });
  router.post('/groups/join', requireRole('student'), async (req, res) => {
    res.json({ group: await groups.join(who(req), body(req, joinGroupBody).code) });
  });
  router.get('/groups/:id', async (req, res) => {
    res.json({ group: await groups.get(who(req), params(req, idParam).id) });
  });
  router.patch('/groups/:id', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    res.json({ group: await groups.update(who(req), id, body(req, updateGroupBody)) });
  });
  router.post('/groups/:id/students', teacher, async (req, res) => {
    const { id } = params(req, idParam);
    res.json({ group: await groups.addStudent(who(req), id, body(req, addStudentBody).email) });
  });
  router.delete('/groups/:id/students/:studentId', teacher, async (req, res) => {
    const { id, studentId } = params(req, groupStudentParams);
    res.json({ group: await groups.removeStudent(who(req), id, studentId) });
  });
  router.post('/groups/:id/invite-code', teacher, async (req, res) => {
    res.json({ group: await groups.regenerateInvite(who(req), params(req, idParam).id) });
  });
  return router;
}
