import { Router } from 'express';
import { idParam } from '@tp/shared';
import type { AppContext } from '../index.js';
import { authenticate, requireRole } from '../../http/guards.js';
import { params } from '../../http/validate.js';

/** `/api/admin/jobs`: the background queue as admins see it. */
export function jobsRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  router.use('/admin/jobs', authenticate(infra.tokens), requireRole('admin'));

  router.get('/admin/jobs', async (_req, res) => {
    res.json(await services.jobs.overview());
  });
  router.post('/admin/jobs/:id/retry', async (req, res) => {
    const { id } = params(req, idParam);
    await services.jobs.retry(id);
    res.status(202).json({ ok: true });
  });
  return router;
}
