import { describe, expect, it } from 'vitest';
import { ApiError, isApiError, parseRetryAfter } from '../../../client/src/lib/api/errors.js';
import { tokenExpiresAt } from '../../../client/src/lib/api/token.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('client HTTP helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-15T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 15 Jan 2026 10:02:30 GMT', now)).toBe(150);
    expect(parseRetryAfter('Thu, 15 Jan 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });

  it('reads the expiry of a JWT without verifying it', () => {
    const token = `${base64url({ alg: 'HS256' })}.${base64url({ sub: 'u', exp: 1_800_000_000 })}.signature`;
    expect(tokenExpiresAt(token)).toBe(1_800_000_000_000);
    expect(tokenExpiresAt('not-a-jwt')).toBeNull();
    expect(tokenExpiresAt(`a.${base64url({ sub: 'u' })}.c`)).toBeNull();
  });

  it('keeps the server error fields on ApiError', () => {
    const error = new ApiError('pool/exhausted', 'All rooms are busy', 429, {}, 300);
    expect(isApiError(error, 'pool/exhausted')).toBe(true);
    expect(isApiError(error, 'rate/limited')).toBe(false);
    expect([error.status, error.retryAfter]).toEqual([429, 300]);
  });
});
