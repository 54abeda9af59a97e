import { randomUUID } from 'node:crypto';
import type { Orm } from '../../infra/db.js';

export interface DeliveryRecord {
  provider: string;
  event: string;
  eventKey: string;
  meetingId: string | null;
  eventAt: Date | null;
  trackingId: string | null;
  receivedAt: Date;
}

export interface RecordingRow {
  lessonId: string;
  meetingId: string;
  recordingId: string;
  url: string;
  sizeBytes: number | null;
  durationSeconds: number | null;
  recordedAt: Date | null;
}

/** Webhook deliveries (the dedupe ledger) and the rows webhooks write: recordings. */
export class WebhooksRepository {
  constructor(private readonly orm: Orm) {}

  private sql<T>(query: string, params: unknown[]): Promise<T[]> {
    return this.orm.em.fork().getConnection().execute(query, params, 'all');
  }

  /** True when this delivery is new; false when the same event was already taken (a retry or a duplicate). */
  async claimDelivery(record: DeliveryRecord): Promise<boolean> {
    const rows = await this.sql<{ id: string }>(
      `insert into webhook_deliveries (id, provider, event, event_key, meeting_id, event_at, tracking_id, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (provider, event_key) do nothing
       returning id`,
      [randomUUID(), record.provider, record.event, record.eventKey, record.meetingId, record.eventAt, record.trackingId, record.receivedAt],
    );
    return rows.length === 1;
  }

  /** Undoes a claim whose handling failed, so the provider's retry is handled instead of dropped. */
  async forgetDelivery(provider: string, eventKey: string): Promise<void> {
    await this.sql(`delete from webhook_deliveries where provider = ? and event_key = ?`, [provider, eventKey]);
  }

  async pruneDeliveries(receivedBefore: Date): Promise<number> {
    const rows = await this.sql<{ id: string }>(`delete from webhook_deliveries where received_at < ? returning id`, [receivedBefore]);
    return rows.length;
  }

  /** Whether the meeting's end was already delivered (a later `started` is then stale). */
  async endedDelivered(provider: string, meetingId: string): Promise<boolean> {
    const rows = await this.sql<{ one: number }>(
      `select 1 as one from webhook_deliveries where provider = ? and meeting_id = ? and event = 'meeting.ended' limit 1`,
      [provider, meetingId],
    );
    return rows.length > 0;
  }

  /** The lesson a provider meeting was created for, if any. */
  async lessonIdByMeeting(provider: string, meetingId: string): Promise<string | null> {
    const rows = await this.sql<{ id: string }>(
      `select id from lessons where meeting_id = ? and (meeting_provider = ? or meeting_provider is null) order by created_at desc limit 1`,
      [meetingId, provider],
    );
    if (rows.length) return rows[0].id;
    // The lesson's meeting fields may have been cleared at release; the lease keeps the meeting id.
    const leases = await this.sql<{ lesson_id: string }>(
      `select lesson_id from meeting_leases where meeting_id = ? order by acquired_at desc limit 1`,
      [meetingId],
    );
    return leases[0]?.lesson_id ?? null;
  }

  /** Stores recordings once each (a recording id is unique); returns how many were new. */
  async addRecordings(rows: RecordingRow[], now: Date): Promise<number> {
    let added = 0;
    for (const row of rows) {
      const inserted = await this.sql<{ id: string }>(
        `insert into lesson_recordings (id, lesson_id, meeting_id, recording_id, url, size_bytes, duration_s, recorded_at, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (recording_id) do nothing
         returning id`,
        [randomUUID(), row.lessonId, row.meetingId, row.recordingId, row.url, row.sizeBytes, row.durationSeconds, row.recordedAt, now],
      );
      added += inserted.length;
    }
    return added;
  }
}
