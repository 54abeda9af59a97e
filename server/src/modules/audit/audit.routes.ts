import { Router } from 'express';
import { auditQuery } from '@tp/shared';
import type { AppContext } from '../index.js';
import { authenticate, requireRole } from '../../http/guards.js';
import { query } from '../../http/validate.js';

/** `GET /api/audit`: admins read the log with filters and paging. */
export function auditRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  router.get('/audit', authenticate(infra.tokens), requireRole('admin'), async (req, res) => {
    const q = query(req, auditQuery);
    res.json(await services.audit.list({ ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined }));
  });
  return router;
}
