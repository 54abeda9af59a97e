import type { NextFunction, Request, Response } from 'express';
import type { Role } from '@tp/shared';
import type { AccessTokens, AccessClaims } from '../modules/auth/access-token.js';
import { AppError } from '../infra/errors.js';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AccessClaims;
    requestId?: string;
  }
}

/** Reads the bearer token; every route that needs a user sits behind this. */
export function authenticate(tokens: AccessTokens) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return next(new AppError('auth/unauthenticated', 'Sign in first'));
    try {
      req.auth = await tokens.verify(header.slice(7).trim());
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.auth) return next(new AppError('auth/unauthenticated', 'Sign in first'));
    if (!roles.includes(req.auth.role)) return next(new AppError('auth/forbidden', 'Your role may not do this'));
    next();
  };
}

/** The signed-in user's claims; only call behind `authenticate`. */
export function who(req: Request): AccessClaims {
  if (!req.auth) throw new AppError('auth/unauthenticated', 'Sign in first');
  return req.auth;
}

export const CSRF_COOKIE = 'tp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Double-submit check for the calls that a cookie authenticates (refresh, logout, role-first enter):
 * a cross-site page can make the browser send our cookies but cannot read one to echo it back.
 */
export function requireCsrf(req: Request, _res: Response, next: NextFunction) {
  const cookie = req.cookies?.[CSRF_COOKIE];
  const header = req.headers[CSRF_HEADER];
  if (typeof cookie !== 'string' || cookie.length < 16 || cookie !== header) {
    return next(new AppError('csrf/invalid', 'Missing or wrong CSRF token; reload the page'));
  }
  next();
}
