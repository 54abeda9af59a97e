import { Router } from 'express';
import { lessonRecordingsParams } from '@tp/shared';
import { authenticate, who } from '../../http/guards.js';
import { params } from '../../http/validate.js';
import type { AppContext } from '../index.js';

/** `GET /api/lessons/:id/recordings`: a lesson's recordings for its teacher, its students and admins. */
export function recordingsRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  router.get('/lessons/:id/recordings', authenticate(infra.tokens), async (req, res) => {
    const { id } = params(req, lessonRecordingsParams);
    res.json(await services.recordings.list(who(req), id));
  });
  return router;
}
