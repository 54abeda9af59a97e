import { Router, type Request } from 'express';
import { randomBytes } from 'node:crypto';
import { Passport } from 'passport';
import { oauthCallbackQuery, oauthProviderParam } from '@tp/shared';
import { params, query } from '../../http/validate.js';
import { AppError } from '../../infra/errors.js';
import type { AppContext } from '../index.js';
import { authCookie, OAUTH_STATE_COOKIE, readRoleCookie, setRefreshCookie } from './auth.cookies.js';
import type { OAuthProfile } from './auth.service.js';
import { enabledProviders } from './oauth.providers.js';

const STATE_MAX_AGE_MS = 10 * 60 * 1000;

/** VK and Yandex sign-in: redirect out, come back with a code, leave with a refresh cookie. */
export function oauthRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const { env, tokens } = infra;
  const passport = new Passport();
  const providers = enabledProviders(env);
  for (const provider of providers) passport.use(provider.name, provider.strategy);
  const enabled = new Set(providers.map((p) => p.name));

  const providerOf = (req: Request) => {
    const { provider } = params(req, oauthProviderParam);
    if (!enabled.has(provider)) throw new AppError('request/not-found', `Sign-in with ${provider} is not configured`);
    return provider;
  };
  // Without PUBLIC_URL the callback is resolved against the host the browser used.
  const callbackURL = (provider: string) => `${env.PUBLIC_URL?.replace(/\/+$/, '') ?? ''}/api/auth/oauth/${provider}/callback`;
  const stateCookie = () => authCookie(env, { maxAge: STATE_MAX_AGE_MS });

  router.get('/auth/providers', (_req, res) => {
    res.json({ providers: providers.map((p) => p.name) });
  });

  router.get('/auth/oauth/:provider', (req, res, next) => {
    const provider = providerOf(req);
    const state = randomBytes(18).toString('base64url');
    res.cookie(OAUTH_STATE_COOKIE, tokens.signValue(`oauth:${provider}:${state}`), stateCookie());
    // passport-oauth2 reads `state` and `callbackURL` from the per-request options.
    const options = { session: false, state, callbackURL: callbackURL(provider) };
    passport.authenticate(provider, options)(req, res, next);
  });

  router.get('/auth/oauth/:provider/callback', async (req, res, next) => {
    const provider = providerOf(req);
    const { state, error } = query(req, oauthCallbackQuery);
    const address = req.ip ?? 'unknown';
    await services.auth.countOAuthAttempt(address);
    const fail = (reason: string) => {
      res.clearCookie(OAUTH_STATE_COOKIE, stateCookie());
      res.redirect(302, `/?error=${encodeURIComponent(reason)}`);
    };
    const cookie: unknown = req.cookies?.[OAUTH_STATE_COOKIE];
    const expected = tokens.unsignValue(typeof cookie === 'string' ? cookie : undefined);
    if (!state || expected !== `oauth:${provider}:${state}`) return fail('oauth-state');
    if (error) return fail('oauth-denied');

    const options = { session: false, callbackURL: callbackURL(provider) };
    passport.authenticate(provider, options, (err: unknown, profile: unknown) => {
      if (err || !profile) {
        infra.logger.warn({ provider, err: err instanceof Error ? err.message : err }, 'OAuth exchange failed');
        return fail('oauth-failed');
      }
      services.auth.oauthSignIn(profile as OAuthProfile, readRoleCookie(req, tokens), address).then(
        (session) => {
          res.clearCookie(OAUTH_STATE_COOKIE, stateCookie());
          setRefreshCookie(res, env, session);
          res.redirect(302, '/auth/complete');
        },
        (failure: unknown) => {
          if (!(failure instanceof AppError)) return next(failure);
          fail(failure.code === 'auth/role-required' ? 'role-required' : failure.code === 'auth/invalid-credentials' ? 'account-disabled' : 'oauth-failed');
        },
      );
    })(req, res, next);
  });

  return router;
}
