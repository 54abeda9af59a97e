import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { createZoomProvider } from '../../../server/src/modules/meetings/providers/zoom/index.js';
import { ProviderError, type CreateMeetingInput, type ProviderAccount } from '../../../server/src/modules/meetings/provider.js';
import { startFakeZoom } from '../../fakes/zoom.js';

const clock = new ManualClock(new Date('2026-11-21T08:00:00Z'));
const zoom = await startFakeZoom({ now: () => clock.now() });
afterAll(() => zoom.close());

const account: ProviderAccount = {
  id: '7a0c1a52-5a2f-4f7e-9d8e-3b0a1c2d3e4f',
  label: 'Room 1',
  email: 'room1@school.test',
  credentials: { accountId: 'zoom-acc-1', clientId: 'client-1', clientSecret: 'very-secret-value', userId: 'host@school.test' },
};
const lesson = (account: ProviderAccount): CreateMeetingInput => ({
  account,
  lessonId: '0d6a4b1e-2f3c-4d5e-8f90-a1b2c3d4e5f6',
  topic: 'Algebra — group A',
  startTime: new Date('2026-11-21T08:10:00Z'),
  durationMinutes: 60,
  timezone: 'Europe/Moscow',
});

let waits: number[] = [];
let logs: string[] = [];
let accountSeq = 0;
/** A fresh Zoom app per test, so token caches never leak between tests. */
let app: ProviderAccount;

function provider(options: { timeoutMs?: number } = {}) {
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  return createZoomProvider({
    oauthUrl: zoom.url,
    apiUrl: zoom.apiUrl,
    logger,
    clock,
    timeoutMs: options.timeoutMs ?? 2_000,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
  });
}

beforeEach(() => {
  waits = [];
  logs = [];
  accountSeq += 1;
  app = { ...account, credentials: { ...account.credentials!, accountId: `zoom-acc-${accountSeq}` } };
  zoom.meetings.clear();
  for (const key of Object.keys(zoom.calls) as Array<keyof typeof zoom.calls>) zoom.calls[key] = 0;
});

describe('zoom client: tokens', () => {
  it('creates a meeting with a cached Server-to-Server token and maps the answer', async () => {
    const zoomProvider = provider();
    const first = await zoomProvider.createMeeting(lesson(app));
    const second = await zoomProvider.createMeeting(lesson(app));

    expect(zoom.calls.token).toBe(1);
    expect(zoom.calls.createMeeting).toBe(2);
    const stored = zoom.meetings.get(first.meetingId)!;
    expect(stored).toMatchObject({ hostId: 'host@school.test', topic: 'Algebra — group A', startTime: '2026-11-21T08:10:00Z', duration: 60, timezone: 'Europe/Moscow' });
    expect(stored.settings).toMatchObject({ join_before_host: false, waiting_room: false, host_video: true });
    expect(first).toEqual({ meetingId: stored.id, uuid: stored.uuid, joinUrl: stored.joinUrl, startUrl: stored.startUrl, password: stored.password });
    expect(first.password).toMatch(/^\d{8}$/);
    expect(second.meetingId).not.toBe(first.meetingId);
    const issued = [...zoom.tokens.values()].find((t) => t.accountId === app.credentials!.accountId);
    expect(issued?.clientId).toBe('client-1');
  });

  it('shares one token request among 20 concurrent calls', async () => {
    const zoomProvider = provider();
    const meetings = await Promise.all(Array.from({ length: 20 }, () => zoomProvider.createMeeting(lesson(app))));
    expect(zoom.calls.token).toBe(1);
    expect(new Set(meetings.map((m) => m.meetingId)).size).toBe(20);
  });

  it('refreshes the token five minutes before it expires, not earlier', async () => {
    const zoomProvider = provider();
    await zoomProvider.createMeeting(lesson(app));
    clock.advance(54 * 60_000);
    await zoomProvider.createMeeting(lesson(app));
    expect(zoom.calls.token).toBe(1);
    clock.advance(2 * 60_000);
    await zoomProvider.createMeeting(lesson(app));
    expect(zoom.calls.token).toBe(2);
  });

  it('on a 401 takes a fresh token and retries once', async () => {
    const zoomProvider = provider();
    await zoomProvider.createMeeting(lesson(app));
    zoom.revokeTokens();
    const meeting = await zoomProvider.createMeeting(lesson(app));
    expect(zoom.calls.token).toBe(2);
    expect(zoom.calls.createMeeting).toBe(3);
    expect(zoom.meetings.has(meeting.meetingId)).toBe(true);
  });

  it('gives up after a second 401 in a row', async () => {
    const zoomProvider = provider();
    zoom.script('createMeeting', [{ status: 401 }, { status: 401 }]);
    await expect(zoomProvider.createMeeting(lesson(app))).rejects.toMatchObject({ name: 'ProviderError', status: 401 });
    expect(zoom.calls.createMeeting).toBe(2);
    expect(zoom.meetings.size).toBe(0);
  });

  it('reports refused credentials as a provider error without retrying', async () => {
    zoom.script('token', [{ status: 401, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } }]);
    await expect(provider().createMeeting(lesson(app))).rejects.toBeInstanceOf(ProviderError);
    expect(zoom.calls.token).toBe(1);
    expect(zoom.calls.createMeeting).toBe(0);
  });

  it('never writes the client secret or an access token to the logs', async () => {
    const zoomProvider = provider();
    zoom.script('createMeeting', [{ status: 401 }, { status: 429 }]);
    await zoomProvider.createMeeting(lesson(app));
    const text = logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(text).not.toContain('very-secret-value');
    expect(text).not.toContain(Buffer.from('client-1:very-secret-value').toString('base64'));
    for (const token of zoom.tokens.keys()) expect(text).not.toContain(token);
  });

  it('refuses an account without credentials', async () => {
    await expect(provider().createMeeting(lesson({ ...app, credentials: null }))).rejects.toBeInstanceOf(ProviderError);
    expect(zoom.calls.token).toBe(0);
  });
});

describe('zoom client: retries', () => {
  it('429 with Retry-After in seconds: waits that long, then exactly one meeting exists', async () => {
    zoom.script('createMeeting', [{ status: 429, retryAfter: '2' }]);
    const meeting = await provider().createMeeting(lesson(app));
    expect(waits).toEqual([2_000]);
    expect(zoom.calls.createMeeting).toBe(2);
    expect([...zoom.meetings.keys()]).toEqual([meeting.meetingId]);
  });

  it('429 with Retry-After as an HTTP date or an ISO date: waits until then', async () => {
    zoom.script('createMeeting', [
      { status: 429, retryAfter: new Date(clock.now().getTime() + 3_000).toUTCString() },
      { status: 429, retryAfter: new Date(clock.now().getTime() + 5_000).toISOString() },
    ]);
    await provider().createMeeting(lesson(app));
    expect(waits).toEqual([3_000, 5_000]);
    expect(zoom.meetings.size).toBe(1);
  });

  it('429 without Retry-After: exponential backoff with jitter, then a provider error after 3 retries', async () => {
    zoom.script('createMeeting', [{ status: 429 }, { status: 429 }, { status: 429 }, { status: 429 }]);
    const failure = await provider().createMeeting(lesson(app)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).status).toBe(429);
    // random() = 0.5 of a ceiling of 500 ms · 2^attempt
    expect(waits).toEqual([250, 500, 1_000]);
    expect(zoom.calls.createMeeting).toBe(4);
    expect(zoom.meetings.size).toBe(0);
  });

  it('does not wait for a Retry-After longer than 30 s: fails at once and passes it on', async () => {
    zoom.script('createMeeting', [{ status: 429, retryAfter: '3600' }]);
    await expect(provider().createMeeting(lesson(app))).rejects.toMatchObject({ status: 429, retryAfterSeconds: 3600 });
    expect(waits).toEqual([]);
    expect(zoom.calls.createMeeting).toBe(1);
  });

  it('500 then success: each failed create is first looked for at Zoom, then retried with backoff', async () => {
    zoom.script('createMeeting', [{ status: 500 }, { status: 503 }]);
    await provider().createMeeting(lesson(app));
    expect(waits).toEqual([250, 500]);
    expect(zoom.calls.listMeetings).toBe(2);
    expect(zoom.meetings.size).toBe(1);
  });

  it('a timeout with nothing created at Zoom: looked for, not found, created again', async () => {
    zoom.script('createMeeting', [{ hang: true }]);
    const started = Date.now();
    const meeting = await provider({ timeoutMs: 300 }).createMeeting(lesson(app));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(zoom.calls.createMeeting).toBe(2);
    expect(zoom.meetings.size).toBe(1);
    expect(zoom.meetings.has(meeting.meetingId)).toBe(true);
  });

  it('a create whose answer is lost: the meeting Zoom made is adopted, never made twice', async () => {
    // Another lesson's meeting on the same host is not taken by mistake.
    const other = await provider().createMeeting({ ...lesson(app), lessonId: '11111111-2222-4333-8444-555555555555' });
    zoom.script('createMeeting', [{ lose: true }]);
    const meeting = await provider({ timeoutMs: 300 }).createMeeting(lesson(app));
    expect(zoom.calls.createMeeting).toBe(2);
    expect(zoom.meetings.size).toBe(2);
    expect(meeting.meetingId).not.toBe(other.meetingId);
    const stored = zoom.meetings.get(meeting.meetingId)!;
    expect(stored.agenda).toBe(`Lesson ${lesson(app).lessonId}`);
    // Read back in full: the host link and the password came with it.
    expect(meeting).toMatchObject({ joinUrl: stored.joinUrl, password: stored.password });
    expect(meeting.startUrl).toContain(`/s/${meeting.meetingId}`);
  });

  it('a Retry-After date already past means no wait; an unreadable one falls back to backoff', async () => {
    zoom.script('createMeeting', [
      { status: 429, retryAfter: new Date(clock.now().getTime() - 10_000).toUTCString() },
      { status: 503, retryAfter: 'soon' },
    ]);
    await provider().createMeeting(lesson(app));
    expect(waits).toEqual([0, 250]);
    expect(zoom.meetings.size).toBe(1);
  });

  it('a token request that hangs times out and is retried', async () => {
    zoom.script('token', [{ hang: true }]);
    await provider({ timeoutMs: 200 }).createMeeting(lesson(app));
    expect(zoom.calls.token).toBe(2);
    expect(zoom.meetings.size).toBe(1);
  });

  it('retries the token request itself on 5xx', async () => {
    zoom.script('token', [{ status: 502 }]);
    await provider().createMeeting(lesson(app));
    expect(zoom.calls.token).toBe(2);
  });

  it('does not retry a 4xx validation error', async () => {
    zoom.script('createMeeting', [{ status: 400, body: { code: 300, message: 'Validation Failed.' } }]);
    await expect(provider().createMeeting(lesson(app))).rejects.toMatchObject({ status: 400 });
    expect(zoom.calls.createMeeting).toBe(1);
  });
});

describe('zoom client: read and end', () => {
  it('re-fetches a fresh start URL', async () => {
    const zoomProvider = provider();
    const meeting = await zoomProvider.createMeeting(lesson(app));
    const fresh = await zoomProvider.refreshStartUrl(app, meeting.meetingId);
    expect(fresh).not.toBe(meeting.startUrl);
    expect(fresh).toBe(zoom.meetings.get(meeting.meetingId)!.startUrl);
    await expect(zoomProvider.refreshStartUrl(app, '12345678901')).rejects.toMatchObject({ status: 404 });
  });

  it('ends a meeting; ending one that is already gone (404 code 3001) is fine', async () => {
    const zoomProvider = provider();
    const meeting = await zoomProvider.createMeeting(lesson(app));
    await zoomProvider.endMeeting(app, meeting.meetingId);
    expect(zoom.meetings.get(meeting.meetingId)!.status).toBe('ended');
    await zoomProvider.endMeeting(app, '12345678901');
    zoom.script('endMeeting', [{ status: 404, body: { code: 3001, message: 'Meeting does not exist.' } }]);
    await zoomProvider.endMeeting(app, meeting.meetingId);
    expect(zoom.calls.endMeeting).toBe(3);
  });

  it('retries ending on 429 and fails on other client errors', async () => {
    const zoomProvider = provider();
    const meeting = await zoomProvider.createMeeting(lesson(app));
    zoom.script('endMeeting', [{ status: 429, retryAfter: '1' }]);
    await zoomProvider.endMeeting(app, meeting.meetingId);
    expect(waits).toEqual([1_000]);
    zoom.script('endMeeting', [{ status: 400, body: { code: 3000, message: 'Cannot end meeting.' } }]);
    await expect(zoomProvider.endMeeting(app, meeting.meetingId)).rejects.toBeInstanceOf(ProviderError);
  });
});
