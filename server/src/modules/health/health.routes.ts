import { Router } from 'express';
import type { AppContext } from '../index.js';

/** Liveness with the state of the database, Redis and the lock; 503 when the database or Redis is down. */
export function healthRoutes({ infra, services }: AppContext): Router {
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
    const lock = infra.lock.status();
    const status = !ok ? 'degraded' : lock.state === 'degraded' ? 'degraded' : 'ok';
    // A lock running on database locks alone is still serving (200) but says so.
    // Periodic duties: when each last succeeded; an overdue one is reported, not a reason to pull the node.
    const duties = database === 'up' ? await services.jobs.duties.status().catch(() => []) : [];
    const background = duties.some((duty) => duty.overdue) ? 'overdue' : 'ok';
    // Password hashing: how many threads, and whether they yield the CPU to the API (false where the OS has no per-thread priority).
    const { threads, niced } = await infra.passwords.threadState();
    res.status(ok ? 200 : 503).json({ status, database, redis, lock, background, duties, hashing: { threads, niced }, mode: infra.redis ? 'cluster' : 'single-node' });
  });
  return router;
}
