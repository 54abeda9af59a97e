import { createHmac, randomUUID } from 'node:crypto';

/** Zoom's webhook signature: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`). */
export function signZoomWebhook(secret: string, timestampSeconds: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
}

export interface WebhookOptions {
  /** Seconds since the epoch for `x-zm-request-timestamp`; default: the fake's clock. */
  timestamp?: number;
  /** `event_ts` in the body (ms); default: the fake's clock. */
  eventTs?: number;
  trackingId?: string;
  /** Send this signature instead of the right one. */
  signature?: string;
}

export interface WebhookResult {
  status: number;
  body: unknown;
  rawBody: string;
}

/** POSTs one event the way Zoom does: JSON body, signature and timestamp headers. */
export async function deliverZoomWebhook(
  targetUrl: string,
  secret: string,
  event: string,
  payload: unknown,
  now: Date,
  options: WebhookOptions = {},
): Promise<WebhookResult> {
  const rawBody = JSON.stringify({ event, event_ts: options.eventTs ?? now.getTime(), payload });
  const timestamp = options.timestamp ?? Math.floor(now.getTime() / 1000);
  const response = await fetch(targetUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Zoom Marketplace/1.0a',
      'x-zm-request-timestamp': String(timestamp),
      'x-zm-signature': options.signature ?? signZoomWebhook(secret, timestamp, rawBody),
      'x-zm-trackingid': options.trackingId ?? `v=2.0&s=${randomUUID()}`,
    },
    body: rawBody,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, rawBody };
}

/** The `payload` of a meeting.started / meeting.ended event as Zoom shapes it. */
export function meetingEventPayload(meeting: { id: string; uuid: string; hostId: string; topic: string }, extra: Record<string, unknown> = {}) {
  return {
    account_id: 'fake-account',
    object: { id: meeting.id, uuid: meeting.uuid, host_id: meeting.hostId, topic: meeting.topic, type: 2, ...extra },
  };
}
