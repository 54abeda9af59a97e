import type { Logger } from '../../../../infra/logger.js';
import type { Clock } from '../../../../infra/clock.js';
import { ProviderError } from '../../provider.js';

export interface ZoomHttpOptions {
  logger: Logger;
  clock: Clock;
  fetch: typeof fetch;
  /** Per attempt. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  random: () => number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors. */
  maxRetries: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A longer Retry-After than this is not waited for: the call fails and reports it. */
  maxRetryAfterMs: number;
}

export interface ZoomRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** What the call is, for logs (never a URL with secrets or a token). */
  what: string;
  /**
   * Not idempotent (creating a meeting): only a 429, which Zoom answers before doing anything, is
   * retried here; a timeout, a lost connection or a 5xx may have done the work and is thrown as ambiguous.
   */
  unsafe?: boolean;
}

export interface ZoomResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** An answer the caller handles itself (401 → token refresh, 404 on end → already gone). */
const passThrough = (status: number) => status < 500 && status !== 429;

/**
 * One HTTP exchange with Zoom with a per-attempt timeout and retries with exponential backoff and
 * full jitter on 429, 5xx, timeouts and network failures, honouring Retry-After (seconds or a date).
 * Answers below 500 other than 429 are returned as they are, successful or not.
 */
export async function zoomRequest(options: ZoomHttpOptions, request: ZoomRequest): Promise<ZoomResponse> {
  const { logger } = options;
  for (let attempt = 0; ; attempt += 1) {
    let failure: { status: number | null; reason: string; retryAfterMs: number | null };
    try {
      const response = await options.fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const body = await readBody(response);
      if (passThrough(response.status)) return { status: response.status, body, headers: response.headers };
      failure = {
        status: response.status,
        reason: `HTTP ${response.status}`,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), options.clock.now()),
      };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      failure = { status: null, reason: timedOut ? 'timeout' : `network error: ${(error as Error).message}`, retryAfterMs: null };
    }

    const retryAfterSeconds = failure.retryAfterMs === null ? null : Math.ceil(failure.retryAfterMs / 1000);
    if (request.unsafe && failure.status !== 429) {
      logger.warn({ call: request.what, status: failure.status, reason: failure.reason }, 'zoom call may or may not have taken effect');
      throw new ProviderError(`Zoom ${request.what}: ${failure.reason}`, failure.status, retryAfterSeconds, true);
    }
    if (failure.retryAfterMs !== null && failure.retryAfterMs > options.maxRetryAfterMs) {
      logger.warn({ call: request.what, status: failure.status, retryAfterSeconds }, 'zoom asks to wait too long; giving up');
      throw new ProviderError(`Zoom ${request.what}: ${failure.reason}, retry after ${retryAfterSeconds} s`, failure.status, retryAfterSeconds);
    }
    if (attempt >= options.maxRetries) {
      logger.warn({ call: request.what, status: failure.status, attempts: attempt + 1 }, 'zoom call failed after retries');
      throw new ProviderError(`Zoom ${request.what}: ${failure.reason} after ${attempt + 1} attempts`, failure.status, retryAfterSeconds);
    }
    const waitMs = failure.retryAfterMs ?? backoffMs(options, attempt);
    logger.info({ call: request.what, status: failure.status, reason: failure.reason, attempt: attempt + 1, waitMs }, 'zoom call retried');
    await options.sleep(waitMs);
  }
}

/** Full jitter: a uniform wait in [0, min(cap, base · 2^attempt)]. */
export function backoffMs(options: Pick<ZoomHttpOptions, 'backoffBaseMs' | 'backoffCapMs' | 'random'>, attempt: number): number {
  const ceiling = Math.min(options.backoffCapMs, options.backoffBaseMs * 2 ** attempt);
  return Math.round(options.random() * ceiling);
}

/**
 * Retry-After as milliseconds from `now`: delta seconds ("2"), an HTTP date, or an ISO date
 * (Zoom sends both forms). Null when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Zoom's error body: `{code, message}`. */
export function zoomErrorCode(body: unknown): number | null {
  if (body && typeof body === 'object' && 'code' in body && typeof body.code === 'number') return body.code;
  return null;
}

export function zoomErrorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message.slice(0, 200);
  return 'no message';
}
