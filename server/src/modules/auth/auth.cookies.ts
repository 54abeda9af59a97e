import type { CookieOptions, Request, Response } from 'express';
import { LIMITS, selfServiceRole, type Role } from '@tp/shared';
import type { Env } from '../../config/env.js';
import type { AccessTokens } from './access-token.js';
import type { Session } from './sessions.service.js';

export const REFRESH_COOKIE = 'tp_refresh';
export const ROLE_COOKIE = 'tp_role';
export const OAUTH_STATE_COOKIE = 'tp_oauth_state';
const AUTH_PATH = '/api/auth';
const ROLE_MAX_AGE_MS = 24 * 3600 * 1000;

const secure = (env: Env) => env.PUBLIC_URL?.startsWith('https:') ?? false;

/** httpOnly, limited to the auth routes, Lax so the OAuth redirect back still carries it. */
export function authCookie(env: Env, extra: CookieOptions = {}): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: secure(env), path: AUTH_PATH, ...extra };
}

export function setRefreshCookie(res: Response, env: Env, session: Session): void {
  // A relative lifetime: the cookie must not depend on the server's and the browser's clocks agreeing.
  res.cookie(REFRESH_COOKIE, session.refreshToken, authCookie(env, { maxAge: LIMITS.refreshTokenDays * 24 * 3600 * 1000 }));
}

export function clearRefreshCookie(res: Response, env: Env): void {
  res.clearCookie(REFRESH_COOKIE, authCookie(env));
}

export function readRefreshCookie(req: Request): string | undefined {
  const value: unknown = req.cookies?.[REFRESH_COOKIE];
  return typeof value === 'string' && value.length > 0 && value.length < 200 ? value : undefined;
}

/** The self-service role chosen before signing in: the only "session" state we keep. */
export function setRoleCookie(res: Response, env: Env, tokens: AccessTokens, role: Role): void {
  res.cookie(ROLE_COOKIE, tokens.signValue(`role:${role}`), authCookie(env, { maxAge: ROLE_MAX_AGE_MS }));
}

export function readRoleCookie(req: Request, tokens: AccessTokens): Role | null {
  const raw: unknown = req.cookies?.[ROLE_COOKIE];
  const value = tokens.unsignValue(typeof raw === 'string' ? raw : undefined);
  const role = selfServiceRole.safeParse(value?.startsWith('role:') ? value.slice(5) : undefined);
  return role.success ? role.data : null;
}
