import { Router } from 'express';
import { createAccountBody, idParam, leasesQuery, releaseAccountBody, updateAccountBody } from '@tp/shared';
import type { AppContext } from '../index.js';
import { authenticate, requireRole } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import { actorOf } from './pool.routes.js';

/** `/api/pool/*`: admins only. */
export function poolAdminRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  router.use('/pool', authenticate(infra.tokens), requireRole('admin'));
  const admin = services.poolAdmin;

  router.get('/pool/accounts', async (_req, res) => {
    res.json(await admin.listAccounts());
  });
  router.post('/pool/accounts', async (req, res) => {
    res.status(201).json(await admin.createAccount(actorOf(req), body(req, createAccountBody)));
  });
  router.patch('/pool/accounts/:id', async (req, res) => {
    const { id } = params(req, idParam);
    res.json(await admin.updateAccount(actorOf(req), id, body(req, updateAccountBody)));
  });
  router.delete('/pool/accounts/:id', async (req, res) => {
    const { id } = params(req, idParam);
    res.json(await admin.removeAccount(actorOf(req), id));
  });
  router.post('/pool/accounts/:id/release', async (req, res) => {
    const { id } = params(req, idParam);
    const { reason } = body(req, releaseAccountBody);
    res.json(await admin.releaseAccount(actorOf(req), id, reason));
  });
  router.get('/pool/stats', async (_req, res) => {
    res.json(await admin.stats());
  });
  router.get('/pool/leases', async (req, res) => {
    res.json(await admin.leases(query(req, leasesQuery)));
  });
  return router;
}
