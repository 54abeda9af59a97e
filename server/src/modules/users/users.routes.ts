import { Router, type Request } from 'express';
import { adminCreateUserBody, adminUpdateUserBody, adminUsersQuery, idParam, updateProfileBody } from '@tp/shared';
import { authenticate, requireRole, who } from '../../http/guards.js';
import { body, params, query } from '../../http/validate.js';
import type { AppContext } from '../index.js';
import { presentUser } from './users.presenter.js';

/** The signed-in user's own account and the admins' user management. */
export function usersRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const signedIn = authenticate(infra.tokens);
  const users = services.users;

  router.get('/auth/me', signedIn, async (req, res) => {
    res.json(presentUser(await users.getById(who(req).userId)));
  });

  router.patch('/users/me', signedIn, async (req, res) => {
    const patch = body(req, updateProfileBody);
    res.json(presentUser(await users.updateProfile(who(req).userId, patch)));
  });

  const admin = [signedIn, requireRole('admin')];
  const actor = (req: Request) => ({ ...who(req), ip: req.ip ?? null });

  router.get('/admin/users', ...admin, async (req, res) => {
    const filter = query(req, adminUsersQuery);
    const page = await users.adminList(filter);
    res.json({ items: page.items.map(presentUser), total: page.total, limit: filter.limit, offset: filter.offset });
  });

  router.post('/admin/users', ...admin, async (req, res) => {
    const input = body(req, adminCreateUserBody);
    res.status(201).json(presentUser(await users.adminCreate(actor(req), input)));
  });

  router.patch('/admin/users/:id', ...admin, async (req, res) => {
    const { id } = params(req, idParam);
    const patch = body(req, adminUpdateUserBody);
    res.json(presentUser(await users.adminUpdate(actor(req), id, patch)));
  });

  router.post('/admin/users/:id/password-reset', ...admin, async (req, res) => {
    const { id } = params(req, idParam);
    await users.adminSendPasswordReset(actor(req), id);
    res.status(202).json({ ok: true });
  });

  return router;
}
