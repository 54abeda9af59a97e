import { Router, type Request } from 'express';
import { demoMeetingParam, demoMeetingQuery, endDemoMeetingBody } from '@tp/shared';
import type { AppContext } from '../../../index.js';
import type { AccessTokens } from '../../../auth/access-token.js';
import { body, params, query } from '../../../../http/validate.js';

/**
 * The demo meeting page's API. Public: the meeting id is an unguessable random token, and ending
 * needs the host token from the teacher's start link. A signed-in caller who belongs to the lesson is
 * recorded as a participant, so the page shows who is really there.
 */
export function demoMeetingRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  router.get('/demo-meetings/:meetingId', async (req, res) => {
    const { meetingId } = params(req, demoMeetingParam);
    const { host } = query(req, demoMeetingQuery);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await services.pool.demoMeeting(meetingId, host, await viewerOf(req, infra.tokens)));
  });
  router.post('/demo-meetings/:meetingId/end', async (req, res) => {
    const { meetingId } = params(req, demoMeetingParam);
    const { hostToken } = body(req, endDemoMeetingBody);
    res.json(await services.pool.endDemoMeeting(meetingId, hostToken));
  });
  return router;
}

/** The page is public: a missing or stale token only means the caller is not counted. */
async function viewerOf(req: Request, tokens: AccessTokens) {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  try {
    const claims = await tokens.verify(header.slice(7).trim());
    return { userId: claims.userId, role: claims.role };
  } catch {
    return null;
  }
}
