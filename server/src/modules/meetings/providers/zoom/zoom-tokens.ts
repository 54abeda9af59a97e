import type { ZoomCredentials } from '../../provider.js';
import { ProviderError } from '../../provider.js';
import { zoomErrorMessage, zoomRequest, type ZoomHttpOptions } from './zoom-http.js';

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** Refresh this long before Zoom's expiry, so a token never dies in the middle of a call. */
export const TOKEN_EARLY_REFRESH_MS = 5 * 60_000;

/**
 * Server-to-Server OAuth access tokens, one per Zoom app (account id + client id): cached until
 * shortly before expiry, with exactly one token request in flight per app — concurrent callers
 * share it.
 */
export class ZoomTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly oauthUrl: string,
    private readonly http: ZoomHttpOptions,
  ) {}

  async get(credentials: ZoomCredentials): Promise<string> {
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    if (cached && this.http.clock.now().getTime() < cached.expiresAt - TOKEN_EARLY_REFRESH_MS) return cached.accessToken;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.request(credentials).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return (await pending).accessToken;
  }

  /** Forgets a token Zoom refused, unless a newer one already replaced it. */
  invalidate(credentials: ZoomCredentials, rejectedToken: string): void {
    const key = cacheKey(credentials);
    if (this.cache.get(key)?.accessToken === rejectedToken) this.cache.delete(key);
  }

  private async request(credentials: ZoomCredentials): Promise<CachedToken> {
    const url = new URL('/oauth/token', this.oauthUrl);
    url.searchParams.set('grant_type', 'account_credentials');
    url.searchParams.set('account_id', credentials.accountId);
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const response = await zoomRequest(this.http, {
      method: 'POST',
      url: url.toString(),
      headers: { authorization: `Basic ${basic}` },
      what: 'token',
    });
    const body = response.body as { access_token?: unknown; expires_in?: unknown } | null;
    if (response.status !== 200 || typeof body?.access_token !== 'string') {
      this.http.logger.warn({ call: 'token', status: response.status, zoomAccount: credentials.accountId }, 'zoom refused the token request');
      throw new ProviderError(`Zoom token request refused (HTTP ${response.status}: ${zoomErrorMessage(response.body)})`, response.status);
    }
    const lifetimeSeconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    const token = { accessToken: body.access_token, expiresAt: this.http.clock.now().getTime() + lifetimeSeconds * 1000 };
    this.cache.set(cacheKey(credentials), token);
    return token;
  }
}

function cacheKey(credentials: ZoomCredentials): string {
  return `${credentials.accountId}\u0000${credentials.clientId}`;
}
