import { Router, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import {
  chooseRoleBody,
  confirmEmailBody,
  credentialsBody,
  passwordResetBody,
  passwordResetConfirmBody,
  registerBody,
  type AuthResult,
} from '@tp/shared';
import { authenticate, CSRF_COOKIE, requireCsrf, who } from '../../http/guards.js';
import { body } from '../../http/validate.js';
import { AppError } from '../../infra/errors.js';
import type { AppContext } from '../index.js';
import { presentUser } from '../users/users.presenter.js';
import { clearRefreshCookie, readRefreshCookie, readRoleCookie, setRefreshCookie, setRoleCookie } from './auth.cookies.js';
import type { Session } from './sessions.service.js';

/** Password sign-in, the role-first flow, refresh/logout, password reset and email confirmation. */
export function authRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const { env, tokens } = infra;
  const auth = services.auth;

  const signedIn = (res: Response, session: Session, status = 200) => {
    setRefreshCookie(res, env, session);
    res.status(status).json({ accessToken: session.accessToken, user: presentUser(session.user) } satisfies AuthResult);
  };

  router.get('/auth/csrf', (req, res) => {
    const existing: unknown = req.cookies?.[CSRF_COOKIE];
    const csrfToken = typeof existing === 'string' && /^[\w-]{32,64}$/.test(existing) ? existing : randomBytes(24).toString('base64url');
    res.cookie(CSRF_COOKIE, csrfToken, { httpOnly: false, sameSite: 'lax', secure: env.PUBLIC_URL?.startsWith('https:') ?? false, path: '/' });
    res.json({ csrfToken });
  });

  router.post('/auth/role', requireCsrf, (req, res) => {
    const { role } = body(req, chooseRoleBody);
    setRoleCookie(res, env, tokens, role);
    res.json({ role });
  });

  router.post('/auth/enter', requireCsrf, async (req, res) => {
    const { email, password } = body(req, credentialsBody);
    const session = await auth.enter(email, password, readRoleCookie(req, tokens), req.ip ?? 'unknown');
    signedIn(res, session, session.created ? 201 : 200);
  });

  router.post('/auth/register', async (req, res) => {
    const input = body(req, registerBody);
    signedIn(res, await auth.register(input), 201);
  });

  router.post('/auth/login', async (req, res) => {
    const { email, password } = body(req, credentialsBody);
    signedIn(res, await auth.login(email, password, req.ip ?? 'unknown'));
  });

  router.post('/auth/refresh', requireCsrf, async (req, res) => {
    try {
      signedIn(res, await auth.sessions.rotate(readRefreshCookie(req)));
    } catch (error) {
      if (error instanceof AppError) clearRefreshCookie(res, env);
      throw error;
    }
  });

  router.post('/auth/logout', requireCsrf, async (req, res) => {
    await auth.sessions.end(readRefreshCookie(req));
    clearRefreshCookie(res, env);
    res.status(204).end();
  });

  router.post('/auth/password-reset', async (req, res) => {
    const { email } = body(req, passwordResetBody);
    await auth.requestPasswordReset(email);
    res.status(202).json({ ok: true, message: 'If the address has an account, a reset link is on its way' });
  });

  router.post('/auth/password-reset/confirm', async (req, res) => {
    const { token, password } = body(req, passwordResetConfirmBody);
    await auth.confirmPasswordReset(token, password);
    res.json({ ok: true });
  });

  router.post('/auth/confirm-email', async (req, res) => {
    const { token } = body(req, confirmEmailBody);
    res.json(presentUser(await auth.confirmEmail(token)));
  });

  router.post('/auth/confirm-email/resend', authenticate(tokens), async (req, res) => {
    await auth.resendConfirmation(who(req).userId);
    res.status(202).json({ ok: true });
  });

  /** Local development without SMTP: read the mail the product would have sent. */
  router.get('/dev/mailbox', (_req, res) => {
    if (env.NODE_ENV === 'production') throw new AppError('request/not-found', 'No route for GET /api/dev/mailbox');
    res.json({ delivery: services.mailer.kind, messages: auth.devMailbox() });
  });

  return router;
}
