import { Router } from 'express';
import type { AppContext } from '../index.js';

/** Provider webhooks: no session, authenticated by the provider's signature over the raw body. */
export function webhooksRoutes({ services }: AppContext): Router {
  const router = Router();
  router.post('/webhooks/zoom', async (req, res) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const answer = await services.webhooks.receiveZoom({
      rawBody: req.rawBody,
      signature: header('x-zm-signature'),
      timestamp: header('x-zm-request-timestamp'),
      trackingId: header('x-zm-trackingid'),
    });
    res.status(200).json(answer);
  });
  return router;
}
