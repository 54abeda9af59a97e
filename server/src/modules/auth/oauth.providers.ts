import OAuth2Strategy from 'passport-oauth2';
import type { Env } from '../../config/env.js';
import type { OAuthProvider } from './auth.repository.js';
import type { OAuthProfile } from './auth.service.js';

interface ProviderSpec {
  name: OAuthProvider;
  clientId: string | undefined;
  clientSecret: string | undefined;
  authorizationURL: string;
  tokenURL: string;
  scope: string[];
  /** Reads the user from the provider (token response `params` carry VK's email). */
  fetchProfile(accessToken: string, params: Record<string, unknown>): Promise<OAuthProfile>;
}

const FETCH_TIMEOUT_MS = 10_000;
const VK_API_VERSION = '5.199';

async function getJson(url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { Accept: 'application/json', ...headers }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`profile request failed with ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const idOf = (value: unknown) => (typeof value === 'number' || (typeof value === 'string' && value.length > 0) ? String(value) : null);
const emailOf = (value: unknown) => (typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value) && value.length <= 254 ? value.toLowerCase() : null);

function providerSpecs(env: Env): ProviderSpec[] {
  return [
    {
      name: 'vk',
      clientId: env.VK_CLIENT_ID,
      clientSecret: env.VK_CLIENT_SECRET,
      authorizationURL: env.VK_AUTHORIZE_URL,
      tokenURL: env.VK_TOKEN_URL,
      scope: ['email'],
      async fetchProfile(accessToken, params) {
        const url = new URL(`${env.VK_API_URL.replace(/\/+$/, '')}/users.get`);
        url.searchParams.set('access_token', accessToken);
        url.searchParams.set('v', VK_API_VERSION);
        const body = await getJson(url.toString());
        const person = Array.isArray(body.response) ? (body.response[0] as Record<string, unknown> | undefined) : undefined;
        const id = idOf(person?.id ?? params.user_id);
        if (!id) throw new Error('VK returned no user');
        return { provider: 'vk', providerUserId: id, email: emailOf(params.email), firstName: text(person?.first_name), lastName: text(person?.last_name) };
      },
    },
    {
      name: 'yandex',
      clientId: env.YANDEX_CLIENT_ID,
      clientSecret: env.YANDEX_CLIENT_SECRET,
      authorizationURL: env.YANDEX_AUTHORIZE_URL,
      tokenURL: env.YANDEX_TOKEN_URL,
      scope: [],
      async fetchProfile(accessToken) {
        const url = new URL(env.YANDEX_USERINFO_URL);
        url.searchParams.set('format', 'json');
        const body = await getJson(url.toString(), { Authorization: `OAuth ${accessToken}` });
        const id = idOf(body.id);
        if (!id) throw new Error('Yandex returned no user');
        return { provider: 'yandex', providerUserId: id, email: emailOf(body.default_email), firstName: text(body.first_name), lastName: text(body.last_name) };
      },
    },
  ];
}

export interface EnabledProvider {
  name: OAuthProvider;
  strategy: OAuth2Strategy;
}

/** One generic OAuth 2.0 strategy per provider that has a client id; the others stay off. */
export function enabledProviders(env: Env): EnabledProvider[] {
  return providerSpecs(env)
    .filter((spec) => spec.clientId)
    .map((spec) => {
      const strategy = new OAuth2Strategy(
        {
          authorizationURL: spec.authorizationURL,
          tokenURL: spec.tokenURL,
          clientID: spec.clientId!,
          clientSecret: spec.clientSecret ?? '',
          scope: spec.scope,
          skipUserProfile: true,
        },
        // Five parameters: passport-oauth2 then hands over the raw token response (VK puts the email there).
        (accessToken: string, _refreshToken: string, params: Record<string, unknown>, _profile: unknown, done: OAuth2Strategy.VerifyCallback) => {
          spec.fetchProfile(accessToken, params).then(
            (profile) => done(null, profile as unknown as Express.User),
            (error: Error) => done(error),
          );
        },
      );
      strategy.name = spec.name;
      return { name: spec.name, strategy };
    });
}
