import request from 'supertest';
import pg from 'pg';
import type { NotificationKind, NotificationPageDto, NotificationPreferencesBody } from '@tp/shared';
import { afterAll } from 'vitest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { startSmtpSink, type SmtpSink } from '../../fakes/smtp-sink.js';
import { QUICK_QUEUE } from '../jobs/support/worker.js';

/** The user's bell as the client reads it. */
export async function bell(app: TestApp, token: string, query: Record<string, string | number> = {}): Promise<NotificationPageDto> {
  const res = await request(app.url).get('/api/notifications').query(query).set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET /api/notifications → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as NotificationPageDto;
}

/** The kinds in the user's bell, sorted (the test clock stands still, so several share one instant). */
export const kinds = async (app: TestApp, token: string): Promise<NotificationKind[]> => (await bell(app, token)).items.map((n) => n.kind).sort();

export async function setPreferences(app: TestApp, token: string, body: NotificationPreferencesBody): Promise<void> {
  const res = await request(app.url).put('/api/me/notification-preferences').send(body).set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`PUT preferences → ${res.status} ${JSON.stringify(res.body)}`);
}

/** Every stored notification row of a kind (shown or not), straight from the database. */
export async function rowsOf(databaseUrl: string, kind: NotificationKind): Promise<Array<{ user_id: string; subject: string; visible: boolean }>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(`select user_id, subject, visible from notifications where kind = $1 order by created_at`, [kind])).rows;
  } finally {
    await client.end();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A server (test clock, quick queue) whose mail goes to a real local SMTP sink; both closed after the file. */
export async function appWithMailSink(): Promise<{ app: TestApp; sink: SmtpSink; mailsTo: (email: string) => SmtpSink['messages'] }> {
  const sink = await startSmtpSink();
  afterAll(() => sink.close());
  const app = await createTestApp({ env: { SMTP_URL: sink.url, ...QUICK_QUEUE } });
  return { app, sink, mailsTo: (email) => sink.messages.filter((m) => m.to.includes(email)) };
}
