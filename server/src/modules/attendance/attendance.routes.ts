import { Router } from 'express';
import { assignParticipantBody, attendanceSettingsBody, idParam, lessonAttendanceParams, myAttendanceQuery, putAttendanceBody } from '@tp/shared';
import { authenticate, who } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import type { AppContext } from '../index.js';

/** Attendance: a lesson's marking view and save, the group's settings, a student's own record. */
export function attendanceRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const attendance = services.attendance;
  const auth = authenticate(infra.tokens);

  router.get('/lessons/:id/attendance', auth, async (req, res) => {
    res.json(await attendance.lessonAttendance(who(req), params(req, lessonAttendanceParams).id));
  });
  router.put('/lessons/:id/attendance', auth, async (req, res) => {
    const { id } = params(req, lessonAttendanceParams);
    res.json(await attendance.saveMarks(who(req), id, body(req, putAttendanceBody).marks));
  });
  router.put('/lessons/:id/attendance/participants', auth, async (req, res) => {
    const { id } = params(req, lessonAttendanceParams);
    const { participantKey, studentId } = body(req, assignParticipantBody);
    res.json(await attendance.assignParticipant(who(req), id, participantKey, studentId));
  });
  router.get('/groups/:id/attendance-settings', auth, async (req, res) => {
    res.json(await attendance.settings(who(req), params(req, idParam).id));
  });
  router.put('/groups/:id/attendance-settings', auth, async (req, res) => {
    const { id } = params(req, idParam);
    res.json(await attendance.saveSettings(who(req), id, body(req, attendanceSettingsBody)));
  });
  router.get('/me/attendance', auth, async (req, res) => {
    res.json(await attendance.mine(who(req), query(req, myAttendanceQuery).groupId));
  });
  return router;
}
