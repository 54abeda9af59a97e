import { HTTP_STATUS_BY_CODE, type ErrorCode } from '@tp/shared';

/** An expected failure: services throw it, the HTTP and socket layers present it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { fields?: Record<string, string>; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

export const notFound = (code: ErrorCode, what: string) => new AppError(code, `${what} not found`);
export const forbidden = (message = 'You may not do this') => new AppError('auth/forbidden', message);
