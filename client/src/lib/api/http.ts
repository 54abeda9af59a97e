import type { AuthResult } from '@tp/shared';
import { ApiError, parseRetryAfter } from './errors.js';
import { CSRF_HEADER, csrfToken } from './csrf.js';
import { getAccessToken, setAccessToken, tokenExpiresAt } from './token.js';

export { ApiError, isApiError } from './errors.js';

export type Query = Record<string, string | number | boolean | null | undefined>;
export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not try a token refresh on 401 (the auth calls themselves). */
  noRefresh?: boolean;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Refresh this long before the access token runs out, so calls and the socket never see it expire. */
const REFRESH_AHEAD_MS = 60_000;

type RefreshListener = (result: AuthResult) => void;
const refreshedListeners = new Set<RefreshListener>();
const lostListeners = new Set<() => void>();
let refreshing: Promise<AuthResult | null> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** One typed call to the API: JSON in and out, bearer token, cookies, CSRF, one refresh-and-retry on 401. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(method, path, options);
  if (response.status === 403 && UNSAFE.has(method)) {
    const error = await toError(response.clone());
    if (error.code === 'csrf/invalid') {
      await csrfToken(true);
      response = await send(method, path, options);
    }
  }
  if (response.status === 401 && !options.noRefresh) {
    const error = await toError(response.clone());
    if (error.code === 'auth/unauthenticated' && (await refreshSession())) response = await send(method, path, options);
  }
  if (!response.ok) throw await toError(response);
  return parseBody<T>(response);
}

export const http = {
  get: <T>(path: string, query?: Query, options?: RequestOptions) => request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/**
 * Trades the refresh cookie for a new access token. Concurrent callers share one request; across
 * tabs a Web Lock serialises refreshes, because presenting a rotated-away refresh token revokes the family.
 * Resolves null when there is no valid session.
 */
export function refreshSession(): Promise<AuthResult | null> {
  refreshing ??= withRefreshLock(async () => {
    try {
      const result = await request<AuthResult>('POST', '/api/auth/refresh', { noRefresh: true });
      adoptAccessToken(result.accessToken);
      for (const listener of refreshedListeners) listener(result);
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        adoptAccessToken(null);
        for (const listener of lostListeners) listener();
      }
      return null;
    }
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Sets the in-memory access token and schedules its proactive refresh. */
export function adoptAccessToken(token: string | null): void {
  clearTimeout(refreshTimer);
  setAccessToken(token);
  const expiresAt = token ? tokenExpiresAt(token) : null;
  if (expiresAt === null) return;
  const delay = Math.max(5_000, expiresAt - Date.now() - REFRESH_AHEAD_MS);
  refreshTimer = setTimeout(() => void refreshSession(), Math.min(delay, 2 ** 31 - 1));
}

/** Called with every refreshed session (new token and user). */
export function onSessionRefreshed(listener: RefreshListener): () => void {
  refreshedListeners.add(listener);
  return () => refreshedListeners.delete(listener);
}

/** Called when a refresh was refused: the user is signed out. */
export function onSessionLost(listener: () => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

// Timers are throttled in background tabs: catch up when the tab comes back.
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    const token = getAccessToken();
    const expiresAt = token ? tokenExpiresAt(token) : null;
    if (document.visibilityState === 'visible' && expiresAt !== null && expiresAt - Date.now() < REFRESH_AHEAD_MS) {
      void refreshSession();
    }
  });
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = getAccessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method)) {
    const csrf = await csrfToken();
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  try {
    return await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'include',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network/offline', 'The server cannot be reached', 0);
  }
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

async function parseBody<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError('response/invalid', 'The server sent an unreadable answer', response.status);
  }
}

async function toError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null;
  const error = body?.error;
  if (!error?.code) {
    return new ApiError(response.status >= 500 ? 'internal/error' : 'response/invalid', response.statusText || 'Request failed', response.status, {}, retryAfter);
  }
  return new ApiError(error.code as ApiError['code'], error.message ?? '', response.status, error.fields ?? {}, retryAfter);
}

async function withRefreshLock<T>(run: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? locks.request('tp-refresh', run) : run();
}
