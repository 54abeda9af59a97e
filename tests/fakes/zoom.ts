import { createServer, ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import { deliverZoomWebhook, meetingEventPayload, type WebhookOptions, type WebhookResult } from './zoom-webhook.js';

export { signZoomWebhook, meetingEventPayload, type WebhookOptions, type WebhookResult } from './zoom-webhook.js';

/** The endpoints of the Zoom API the product uses. */
export type ZoomRoute = 'token' | 'createMeeting' | 'listMeetings' | 'getMeeting' | 'endMeeting';

/** One scripted answer, used instead of the real behaviour for one call. */
export interface ScriptedResponse {
  status?: number;
  /** Retry-After header: seconds or a date. */
  retryAfter?: string;
  body?: unknown;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Do the work, then never answer: the answer is lost on its way back. */
  lose?: boolean;
}

export interface FakeMeeting {
  id: string;
  uuid: string;
  hostId: string;
  topic: string;
  agenda: string;
  startTime: string;
  duration: number;
  timezone: string;
  password: string;
  settings: Record<string, unknown>;
  joinUrl: string;
  startUrl: string;
  status: 'waiting' | 'started' | 'ended';
}

export interface FakeZoomOptions {
  /** The fake's notion of now (token expiry, webhook timestamps). Default: real time. */
  now?: () => Date;
  tokenTtlSeconds?: number;
  /** Where meeting.started / meeting.ended go when the host opens or ends a meeting. */
  webhook?: { url: string; secret: string };
  port?: number;
  host?: string;
}

export interface FakeZoom {
  /** Base for ZOOM_OAUTH_URL. */
  url: string;
  /** Base for ZOOM_API_URL (`${url}/v2`). */
  apiUrl: string;
  meetings: Map<string, FakeMeeting>;
  calls: Record<ZoomRoute, number>;
  /** Access tokens issued and still honoured, with their expiry (ms since epoch). */
  tokens: Map<string, { accountId: string; clientId: string; expiresAt: number }>;
  /** Where meeting events go (settable once the receiving server is up); null: nowhere. */
  webhook: { url: string; secret: string } | null;
  /** Queue answers for the next calls of a route (FIFO), before the real behaviour resumes. */
  script(route: ZoomRoute, responses: ScriptedResponse[]): void;
  /** Every issued token stops working (as when an admin rotates the app secret). */
  revokeTokens(): void;
  sendWebhook(targetUrl: string, secret: string, event: string, payload: unknown, options?: WebhookOptions): Promise<WebhookResult>;
  close(): Promise<void>;
}

const ZOOM_ERRORS = {
  unauthorized: { code: 124, message: 'Invalid access token.' },
  notFound: { code: 3001, message: 'Meeting does not exist.' },
  rateLimited: { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' },
  server: { code: 500, message: 'Internal error.' },
};

/** A stateful Zoom (Server-to-Server OAuth + meetings API) on 127.0.0.1, with scriptable faults. */
export async function startFakeZoom(options: FakeZoomOptions = {}): Promise<FakeZoom> {
  const now = options.now ?? (() => new Date());
  const ttl = options.tokenTtlSeconds ?? 3600;
  const meetings = new Map<string, FakeMeeting>();
  const tokens: FakeZoom['tokens'] = new Map();
  const calls: Record<ZoomRoute, number> = { token: 0, createMeeting: 0, listMeetings: 0, getMeeting: 0, endMeeting: 0 };
  const scripts = new Map<ZoomRoute, ScriptedResponse[]>();
  let base = '';

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const notify = (event: string, meeting: FakeMeeting) => {
    const target = fake.webhook;
    if (!target) return;
    const object = meetingEventPayload(meeting, { start_time: meeting.startTime, duration: meeting.duration, timezone: meeting.timezone });
    void deliverZoomWebhook(target.url, target.secret, event, object, now()).catch((error: Error) => {
      console.warn(`fake zoom: webhook ${event} to ${target.url} failed: ${error.message}`);
    });
  };

  const authorised = (req: IncomingMessage): boolean => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = token ? tokens.get(token) : undefined;
    return !!issued && issued.expiresAt > now().getTime();
  };

  const routes: Array<{ method: string; pattern: RegExp; route?: ZoomRoute; handle: (req: IncomingMessage, res: ServerResponse, match: string[], body: string) => void }> = [
    {
      method: 'POST',
      pattern: /^\/oauth\/token$/,
      route: 'token',
      handle(req, res) {
        const query = new URL(req.url!, base).searchParams;
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const [clientId, clientSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
        const accountId = query.get('account_id');
        if (query.get('grant_type') !== 'account_credentials' || !accountId) return send(res, 400, { reason: 'unsupported_grant_type', error: 'invalid_request' });
        if (!clientId || !clientSecret) return send(res, 401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
        const accessToken = randomBytes(24).toString('base64url');
        tokens.set(accessToken, { accountId, clientId, expiresAt: now().getTime() + ttl * 1000 });
        send(res, 200, { access_token: accessToken, token_type: 'bearer', expires_in: ttl, scope: 'meeting:write:admin meeting:read:admin', api_url: base });
      },
    },
    {
      method: 'POST',
      pattern: /^\/v2\/users\/([^/]+)\/meetings$/,
      route: 'createMeeting',
      handle(_req, res, [, userId], raw) {
        const input = parseJson(raw) as Record<string, unknown> | null;
        if (!input || input.type !== 2 || typeof input.topic !== 'string' || typeof input.start_time !== 'string' || typeof input.duration !== 'number') {
          return send(res, 400, { code: 300, message: 'Validation Failed.' });
        }
        const id = String(80_000_000_000 + randomInt(9_999_999_999));
        const password = typeof input.password === 'string' ? input.password : String(randomInt(1e6, 1e7));
        const meeting: FakeMeeting = {
          id,
          uuid: randomBytes(16).toString('base64'),
          hostId: decodeURIComponent(userId),
          topic: input.topic,
          agenda: typeof input.agenda === 'string' ? input.agenda : '',
          startTime: input.start_time,
          duration: input.duration,
          timezone: typeof input.timezone === 'string' ? input.timezone : 'UTC',
          password,
          settings: (input.settings as Record<string, unknown>) ?? {},
          joinUrl: `${base}/j/${id}?pwd=${password}`,
          startUrl: startUrl(id),
          status: 'waiting',
        };
        meetings.set(id, meeting);
        send(res, 201, toZoomMeeting(meeting));
      },
    },
    {
      method: 'GET',
      pattern: /^\/v2\/users\/([^/]+)\/meetings$/,
      route: 'listMeetings',
      handle(_req, res, [, userId]) {
        // type=scheduled: the host's meetings that have not ended, without links or passwords.
        const hosted = [...meetings.values()].filter((m) => m.hostId === decodeURIComponent(userId) && m.status !== 'ended');
        const listed = hosted.map((m) => ({ id: Number(m.id), uuid: m.uuid, host_id: m.hostId, topic: m.topic, agenda: m.agenda, type: 2, start_time: m.startTime, duration: m.duration, timezone: m.timezone, join_url: m.joinUrl }));
        send(res, 200, { page_size: 300, total_records: listed.length, next_page_token: '', meetings: listed });
      },
    },
    {
      method: 'GET',
      pattern: /^\/v2\/meetings\/(\d+)$/,
      route: 'getMeeting',
      handle(_req, res, [, id]) {
        const meeting = meetings.get(id);
        if (!meeting) return send(res, 404, ZOOM_ERRORS.notFound);
        meeting.startUrl = startUrl(id);
        send(res, 200, toZoomMeeting(meeting));
      },
    },
    {
      method: 'PUT',
      pattern: /^\/v2\/meetings\/(\d+)\/status$/,
      route: 'endMeeting',
      handle(_req, res, [, id], raw) {
        const meeting = meetings.get(id);
        if ((parseJson(raw) as { action?: unknown } | null)?.action !== 'end') return send(res, 400, { code: 300, message: 'Invalid action.' });
        if (!meeting) return send(res, 404, ZOOM_ERRORS.notFound);
        if (meeting.status !== 'ended') {
          meeting.status = 'ended';
          notify('meeting.ended', meeting);
        }
        send(res, 204);
      },
    },
    // The host's and participants' links: tiny pages so a person can start and end a meeting by hand.
    {
      method: 'GET',
      pattern: /^\/s\/(\d+)$/,
      handle(_req, res, [, id]) {
        const meeting = meetings.get(id);
        if (!meeting) return page(res, 404, 'No such meeting', '<p>This meeting does not exist.</p>');
        if (meeting.status === 'waiting') {
          meeting.status = 'started';
          notify('meeting.started', meeting);
        }
        page(res, 200, meeting.topic, meeting.status === 'ended'
          ? '<p>This meeting has ended.</p>'
          : `<p>You are the host of meeting ${id}. It is running.</p><form method="post" action="/s/${id}/end"><button>End meeting for all</button></form>`);
      },
    },
    {
      method: 'POST',
      pattern: /^\/s\/(\d+)\/end$/,
      handle(_req, res, [, id]) {
        const meeting = meetings.get(id);
        if (meeting && meeting.status !== 'ended') {
          meeting.status = 'ended';
          notify('meeting.ended', meeting);
        }
        page(res, 200, 'Meeting ended', '<p>The meeting has ended. You may close this tab.</p>');
      },
    },
    {
      method: 'GET',
      pattern: /^\/j\/(\d+)$/,
      handle(_req, res, [, id]) {
        const meeting = meetings.get(id);
        page(res, meeting ? 200 : 404, meeting?.topic ?? 'No such meeting', meeting ? `<p>Meeting ${id} (${meeting.status}). Waiting for the host…</p>` : '<p>This meeting does not exist.</p>');
      },
    },
  ];

  function startUrl(id: string): string {
    return `${base}/s/${id}?zak=${randomBytes(18).toString('base64url')}`;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      for (const entry of routes) {
        const match = entry.method === req.method ? entry.pattern.exec(path) : null;
        if (!match) continue;
        if (entry.route) {
          calls[entry.route] += 1;
          const scripted = scripts.get(entry.route)?.shift();
          if (scripted?.hang) return; // the socket stays open and silent
          if (scripted && !scripted.lose) return replyScripted(res, scripted);
          if (entry.route !== 'token' && !authorised(req)) return send(res, 401, ZOOM_ERRORS.unauthorized);
          // Handled for real into a response that is never sent; the socket stays open and silent.
          if (scripted?.lose) return entry.handle(req, new ServerResponse(req), [...match], Buffer.concat(chunks).toString('utf8'));
        }
        return entry.handle(req, res, [...match], Buffer.concat(chunks).toString('utf8'));
      }
      send(res, 404, { code: 404, message: 'Not found' });
    });
  });

  function replyScripted(res: ServerResponse, scripted: ScriptedResponse): void {
    const status = scripted.status ?? 500;
    const fallback = status === 429 ? ZOOM_ERRORS.rateLimited : status === 401 ? ZOOM_ERRORS.unauthorized : status === 404 ? ZOOM_ERRORS.notFound : ZOOM_ERRORS.server;
    send(res, status, scripted.body ?? fallback, scripted.retryAfter === undefined ? {} : { 'retry-after': scripted.retryAfter });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  base = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const fake: FakeZoom = {
    url: base,
    apiUrl: `${base}/v2`,
    meetings,
    calls,
    tokens,
    webhook: options.webhook ?? null,
    script(route, responses) {
      scripts.set(route, [...(scripts.get(route) ?? []), ...responses]);
    },
    revokeTokens() {
      tokens.clear();
    },
    sendWebhook(targetUrl, secret, event, payload, webhookOptions) {
      return deliverZoomWebhook(targetUrl, secret, event, payload, now(), webhookOptions);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
  return fake;
}

function toZoomMeeting(meeting: FakeMeeting) {
  return {
    id: Number(meeting.id),
    uuid: meeting.uuid,
    host_id: meeting.hostId,
    topic: meeting.topic,
    agenda: meeting.agenda,
    type: 2,
    status: meeting.status,
    start_time: meeting.startTime,
    duration: meeting.duration,
    timezone: meeting.timezone,
    password: meeting.password,
    join_url: meeting.joinUrl,
    start_url: meeting.startUrl,
    settings: meeting.settings,
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><meta charset="utf-8"><title>${escape(title)}</title><h1>Fake Zoom: ${escape(title)}</h1>${body}`);
}
