import { Router } from 'express';
import { demoMeetingParam, demoMeetingQuery, endDemoMeetingBody } from '@tp/shared';
import type { AppContext } from '../../../index.js';
import { body, params, query } from '../../../../http/validate.js';

/**
 * The demo meeting page's API. Public: the meeting id is an unguessable random token, and ending
 * needs the host token from the teacher's start link.
 */
export function demoMeetingRoutes({ services }: AppContext): Router {
  const router = Router();
  router.get('/demo-meetings/:meetingId', async (req, res) => {
    const { meetingId } = params(req, demoMeetingParam);
    const { host } = query(req, demoMeetingQuery);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await services.pool.demoMeeting(meetingId, host));
  });
  router.post('/demo-meetings/:meetingId/end', async (req, res) => {
    const { meetingId } = params(req, demoMeetingParam);
    const { hostToken } = body(req, endDemoMeetingBody);
    res.json(await services.pool.endDemoMeeting(meetingId, hostToken));
  });
  return router;
}
