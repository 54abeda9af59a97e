import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildTeacher } from '../../factories/users.js';
import { signZoomWebhook, startFakeZoom } from '../../fakes/zoom.js';

const SECRET = 'zoom-webhook-secret-for-tests';
const clock = new ManualClock();
const app = await createTestApp({ clock, env: { ZOOM_WEBHOOK_SECRET: SECRET } });
const zoom = await startFakeZoom({ now: () => app.clock.now() });
afterAll(() => zoom.close());
const hook = `${app.url}/api/webhooks/zoom`;

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return app.infra.orm.em.fork().getConnection().execute(query, params, 'all');
}
const deliveries = async () => Number((await sql<{ n: string }>('select count(*) as n from webhook_deliveries'))[0].n);
const nowSeconds = () => Math.floor(app.clock.now().getTime() / 1000);

/** A lesson whose meeting is `meetingId` at Zoom. */
async function lessonWithMeeting(meetingId: string): Promise<string> {
  const { user } = await buildTeacher(app);
  const groupId = randomUUID();
  const lessonId = randomUUID();
  await sql(`insert into groups (id, teacher_id, name, invite_code) values (?, ?, 'Group', ?)`, [groupId, user.id, randomUUID()]);
  await sql(
    `insert into lessons (id, group_id, teacher_id, title, start_at, end_at, status, meeting_provider, meeting_id, join_url)
     values (?, ?, ?, 'Algebra', ?, ?, 'completed', 'zoom', ?, 'https://zoom.test/j/1')`,
    [lessonId, groupId, user.id, new Date('2026-01-15T09:00:00Z'), new Date('2026-01-15T09:45:00Z'), meetingId],
  );
  return lessonId;
}

beforeEach(() => clock.set('2026-01-15T10:00:00Z'));

describe('zoom webhook: authenticity', () => {
  it('answers endpoint.url_validation with the HMAC of the plain token', async () => {
    const result = await zoom.sendWebhook(hook, SECRET, 'endpoint.url_validation', { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });

  it('refuses a wrong signature with 401 and records nothing', async () => {
    const result = await zoom.sendWebhook(hook, 'not-the-secret', 'meeting.ended', { object: { id: '81234567890', uuid: 'u-bad' } });
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: { code: 'webhook/invalid-signature' } });
    const validation = await zoom.sendWebhook(hook, 'not-the-secret', 'endpoint.url_validation', { plainToken: 'abc' });
    expect(validation.status).toBe(401);
    expect(await deliveries()).toBe(0);
  });

  it('refuses a signature that does not cover the exact bytes', async () => {
    const rawBody = JSON.stringify({ event: 'meeting.ended', event_ts: app.clock.now().getTime(), payload: { object: { id: '81234567890' } } });
    const signature = signZoomWebhook(SECRET, nowSeconds(), rawBody);
    const tampered = rawBody.replace('81234567890', '81234567891');
    const response = await request(app.url)
      .post('/api/webhooks/zoom')
      .set({ 'content-type': 'application/json', 'x-zm-request-timestamp': String(nowSeconds()), 'x-zm-signature': signature })
      .send(tampered);
    expect(response.status).toBe(401);
    expect(await deliveries()).toBe(0);
  });

  it('verifies the raw bytes, not a re-serialisation of them', async () => {
    const rawBody = `{ "event" : "endpoint.url_validation",\n  "payload": {"plainToken": "caf\\u00e9"}, "event_ts": ${app.clock.now().getTime()} }`;
    const response = await request(app.url)
      .post('/api/webhooks/zoom')
      .set({ 'content-type': 'application/json', 'x-zm-request-timestamp': String(nowSeconds()), 'x-zm-signature': signZoomWebhook(SECRET, nowSeconds(), rawBody) })
      .send(rawBody);
    expect(response.status).toBe(200);
    expect(response.body.plainToken).toBe('café');
  });

  it('refuses timestamps more than 5 minutes off the clock, either way', async () => {
    const payload = { plainToken: 'abc' };
    const stale = await zoom.sendWebhook(hook, SECRET, 'endpoint.url_validation', payload, { timestamp: nowSeconds() - 301 });
    const future = await zoom.sendWebhook(hook, SECRET, 'endpoint.url_validation', payload, { timestamp: nowSeconds() + 301 });
    const edge = await zoom.sendWebhook(hook, SECRET, 'endpoint.url_validation', payload, { timestamp: nowSeconds() - 299 });
    expect([stale.status, future.status, edge.status]).toEqual([401, 401, 200]);
  });

  it('refuses a delivery without signature headers', async () => {
    const response = await request(app.url).post('/api/webhooks/zoom').send({ event: 'endpoint.url_validation', payload: { plainToken: 'abc' } });
    expect(response.status).toBe(401);
  });
});

describe('zoom webhook: bad input', () => {
  it('malformed JSON → 400, nothing recorded', async () => {
    const rawBody = '{"event": "meeting.ended", "payload": {';
    const response = await request(app.url)
      .post('/api/webhooks/zoom')
      .set({ 'content-type': 'application/json', 'x-zm-request-timestamp': String(nowSeconds()), 'x-zm-signature': signZoomWebhook(SECRET, nowSeconds(), rawBody) })
      .send(rawBody);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('request/malformed-json');
    expect(await deliveries()).toBe(0);
  });

  it('a body that is not JSON → 400', async () => {
    const response = await request(app.url).post('/api/webhooks/zoom').set('content-type', 'text/plain').send('event=meeting.ended');
    expect(response.status).toBe(400);
    const empty = await request(app.url).post('/api/webhooks/zoom');
    expect(empty.status).toBe(400);
  });

  it('a huge body → 413', async () => {
    const rawBody = JSON.stringify({ event: 'meeting.ended', payload: { object: { id: '1', topic: 'x'.repeat(2_000_000) } } });
    const response = await request(app.url).post('/api/webhooks/zoom').set('content-type', 'application/json').send(rawBody);
    expect(response.status).toBe(413);
  });

  it('a signed body of the wrong shape → 400, nothing recorded', async () => {
    const result = await zoom.sendWebhook(hook, SECRET, 'meeting.ended', { object: { uuid: 'no-id' } });
    expect(result.status).toBe(400);
    const noEvent = await zoom.sendWebhook(hook, SECRET, '', {});
    expect(noEvent.status).toBe(400);
    expect(await deliveries()).toBe(0);
  });

  it('an event the product does not use → 200, nothing recorded', async () => {
    const result = await zoom.sendWebhook(hook, SECRET, 'meeting.sharing_started', { object: { id: '81234567890', participant: { user_name: 'A' } } });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ received: true, outcome: 'ignored' });
    expect(await deliveries()).toBe(0);
  });
});

describe('zoom webhook: recording.completed', () => {
  const recordingPayload = (meetingId: string, uuid: string, extra: Record<string, unknown> = {}) => ({
    account_id: 'acc',
    object: {
      id: Number(meetingId),
      uuid,
      host_id: 'host',
      topic: 'Algebra',
      start_time: '2026-01-15T09:00:05Z',
      duration: 44,
      total_size: 123_456_789,
      recording_count: 2,
      recording_files: [
        { id: 'file-mp4', file_type: 'MP4', file_size: 120_000_000, download_url: 'https://zoom.test/rec/download/mp4', recording_start: '2026-01-15T09:00:05Z', recording_end: '2026-01-15T09:44:05Z' },
        { id: 'file-m4a', file_type: 'M4A', file_size: 3_456_789, download_url: 'https://zoom.test/rec/download/m4a', recording_start: '2026-01-15T09:00:05Z', recording_end: '2026-01-15T09:44:05Z' },
      ],
      ...extra,
    },
  });
  const recordingsOf = (lessonId: string) =>
    sql<{ url: string; size_bytes: string; duration_s: number; meeting_id: string }>(
      'select url, size_bytes, duration_s, meeting_id from lesson_recordings where lesson_id = ? order by url',
      [lessonId],
    );

  it('stores each recording file of the lesson whose meeting it was, once', async () => {
    const lessonId = await lessonWithMeeting('81000000001');
    const payload = recordingPayload('81000000001', 'uuid-rec-1==');
    const first = await zoom.sendWebhook(hook, SECRET, 'recording.completed', payload, { eventTs: 1_768_471_500_000 });
    expect(first).toMatchObject({ status: 200, body: { outcome: 'handled' } });
    const rows = await recordingsOf(lessonId);
    expect(rows).toEqual([
      { url: 'https://zoom.test/rec/download/m4a', size_bytes: '3456789', duration_s: 2640, meeting_id: '81000000001' },
      { url: 'https://zoom.test/rec/download/mp4', size_bytes: '120000000', duration_s: 2640, meeting_id: '81000000001' },
    ]);

    // Zoom's retry of the same delivery, and the same event sent again under a new tracking id.
    const retry = await zoom.sendWebhook(hook, SECRET, 'recording.completed', payload, { eventTs: 1_768_471_500_000 });
    expect(retry).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    const resent = await zoom.sendWebhook(hook, SECRET, 'recording.completed', payload, { eventTs: 1_768_471_600_000 });
    expect(resent.status).toBe(200);
    expect(await recordingsOf(lessonId)).toHaveLength(2);
  });

  it('prefers the share link when Zoom gives one', async () => {
    const lessonId = await lessonWithMeeting('81000000002');
    const payload = recordingPayload('81000000002', 'uuid-rec-2==', { share_url: 'https://zoom.test/rec/share/abc' });
    await zoom.sendWebhook(hook, SECRET, 'recording.completed', payload);
    expect(await recordingsOf(lessonId)).toEqual([{ url: 'https://zoom.test/rec/share/abc', size_bytes: '123456789', duration_s: 2640, meeting_id: '81000000002' }]);
  });

  it('a recording of a meeting no lesson knows → 200, nothing stored', async () => {
    const result = await zoom.sendWebhook(hook, SECRET, 'recording.completed', recordingPayload('81999999999', 'uuid-unknown'));
    expect(result).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    expect(Number((await sql<{ n: string }>(`select count(*) as n from lesson_recordings where meeting_id = '81999999999'`))[0].n)).toBe(0);
  });

  it('the dedupe ledger forgets deliveries after a week', async () => {
    await lessonWithMeeting('81000000004');
    await zoom.sendWebhook(hook, SECRET, 'recording.completed', recordingPayload('81000000004', 'uuid-rec-4=='));
    const remembered = await deliveries();
    expect(remembered).toBeGreaterThan(0);
    clock.advance(6 * 24 * 60 * 60_000);
    expect(await app.ctx.services.webhooks.pruneDeliveries()).toBe(0);
    clock.advance(2 * 24 * 60 * 60_000);
    expect(await app.ctx.services.webhooks.pruneDeliveries()).toBe(remembered);
    expect(await deliveries()).toBe(0);
  });

  it('answers well under 3 s', async () => {
    await lessonWithMeeting('81000000003');
    const started = Date.now();
    const result = await zoom.sendWebhook(hook, SECRET, 'recording.completed', recordingPayload('81000000003', 'uuid-rec-3=='));
    expect(result.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
