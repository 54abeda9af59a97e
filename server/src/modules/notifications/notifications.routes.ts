import { Router } from 'express';
import { notificationListQuery, notificationParams, notificationPreferencesBody } from '@tp/shared';
import { authenticate, who } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import type { AppContext } from '../index.js';

/** `/api/notifications` (the bell) and `/api/me/notification-preferences` (the event × channel table). */
export function notificationRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const centre = services.notifications;
  router.use(['/notifications', '/me/notification-preferences'], authenticate(infra.tokens));

  router.get('/notifications', async (req, res) => {
    res.json(await centre.list(who(req).userId, query(req, notificationListQuery)));
  });
  router.post('/notifications/read-all', async (req, res) => {
    res.json(await centre.markAllRead(who(req).userId));
  });
  router.post('/notifications/:id/read', async (req, res) => {
    res.json(await centre.markRead(who(req).userId, params(req, notificationParams).id));
  });
  router.get('/me/notification-preferences', async (req, res) => {
    res.json(await centre.preferences(who(req).userId));
  });
  router.put('/me/notification-preferences', async (req, res) => {
    res.json(await centre.savePreferences(who(req).userId, body(req, notificationPreferencesBody)));
  });
  return router;
}
