import type { ErrorCode } from '@tp/shared';

/** Codes the client itself produces when the server could not be asked or answered nonsense. */
export type ClientErrorCode = 'network/offline' | 'response/invalid';

/** Every failed API call rejects with this: the server's `{error:{code,message,fields}}` plus HTTP facts. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly status: number,
    readonly fields: Record<string, string> = {},
    /** Seconds to wait before retrying (from `Retry-After`), when the server said so. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(error: unknown, code?: ApiError['code']): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
