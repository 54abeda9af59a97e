import { Router, type Request } from 'express';
import { eventIdParam, idempotencyKey } from '@tp/shared';
import type { AppContext } from '../index.js';
import { authenticate, who } from '../../http/guards.js';
import { params, parseWith } from '../../http/validate.js';
import type { Actor } from './pool.peers.js';

export const actorOf = (req: Request): Actor => {
  const claims = who(req);
  return { userId: claims.userId, role: claims.role, ip: req.ip ?? null };
};

/** The optional `Idempotency-Key` header of a start. */
function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.headers['idempotency-key'];
  return header === undefined ? undefined : parseWith(idempotencyKey, header, 'Idempotency-Key header');
}

/** A lesson's meeting: start, restart after a mistaken end, end, read. */
export function poolLessonRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const auth = authenticate(infra.tokens);

  router.post('/lessons/:id/start', auth, async (req, res) => {
    const { id } = params(req, eventIdParam);
    res.json(await services.pool.startLesson(actorOf(req), id, idempotencyKeyOf(req)));
  });

  router.post('/lessons/:id/restart', auth, async (req, res) => {
    const { id } = params(req, eventIdParam);
    res.json(await services.pool.restartLesson(actorOf(req), id, idempotencyKeyOf(req)));
  });

  router.post('/lessons/:id/end', auth, async (req, res) => {
    const { id } = params(req, eventIdParam);
    res.json(await services.pool.endLesson(actorOf(req), id));
  });

  router.get('/lessons/:id/meeting', auth, async (req, res) => {
    const { id } = params(req, eventIdParam);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await services.pool.meetingFor(actorOf(req), id));
  });
  return router;
}
