import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far Zoom's request timestamp may be from our clock (replays of old deliveries are refused). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface SignedRequest {
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
}

/**
 * Zoom signs `v0:{x-zm-request-timestamp}:{raw body}` with HMAC-SHA256 under the webhook secret
 * and sends `v0={hex}` in x-zm-signature. Compared in constant time, on the exact bytes received.
 */
export function isValidZoomSignature(secret: string, request: SignedRequest, now: Date): boolean {
  const { signature, timestamp, rawBody } = request;
  if (!signature || !timestamp || !/^\d{1,13}$/.test(timestamp)) return false;
  // Zoom sends seconds; milliseconds are accepted too rather than refused as a skew.
  const sentAt = timestamp.length > 11 ? Number(timestamp) : Number(timestamp) * 1000;
  if (Math.abs(now.getTime() - sentAt) > MAX_CLOCK_SKEW_MS) return false;
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  const expected = Buffer.from(`v0=${mac.digest('hex')}`);
  const received = Buffer.from(signature);
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** The answer to `endpoint.url_validation`: proves we hold the secret. */
export function urlValidationAnswer(secret: string, plainToken: string): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') };
}
