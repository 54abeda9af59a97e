import { Router } from 'express';
import type { AppContext } from '../index.js';

/** Liveness with the state of the database and Redis; 503 when one is down. */
export function healthRoutes({ infra }: AppContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const database = await infra.orm.em
      .fork()
      .getConnection()
      .execute('select 1')
      .then(() => 'up' as const)
      .catch(() => 'down' as const);
    const redis = infra.redis
      ? await infra.redis
          .ping()
          .then(() => 'up' as const)
          .catch(() => 'down' as const)
      : ('not-configured' as const);
    const ok = database === 'up' && redis !== 'down';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, redis, mode: infra.redis ? 'cluster' : 'single-node' });
  });
  return router;
}
