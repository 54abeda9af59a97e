import { createHash } from 'node:crypto';
import {
  EPOCH_MS_RANGE,
  zoomMeetingPayload,
  zoomParticipantPayload,
  zoomRecordingPayload,
  zoomUrlValidationPayload,
  zoomWebhookEnvelope,
  type ProviderName,
  type ZoomParticipantPayload,
  type ZoomRecordingPayload,
  type ZoomWebhookEnvelope,
} from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import { parseWith } from '../../http/validate.js';
import { isValidZoomSignature, urlValidationAnswer } from './zoom-signature.js';
import { WebhooksRepository, type RecordingRow } from './webhooks.repository.js';

/** What webhooks need from the pool: the lesson goes live, the lease is released. Both idempotent. */
export interface MeetingLifecycle {
  markStartedByMeeting(provider: ProviderName, meetingId: string): Promise<unknown>;
  releaseByMeeting(provider: ProviderName, meetingId: string, reason: 'webhook'): Promise<unknown>;
}

export type RecordingsListener = (lessonId: string, recordingIds: string[]) => Promise<void>;

/** A participant joined or left a lesson's Zoom meeting (attendance keeps the record). */
export type ParticipantListener = (event: {
  lessonId: string;
  provider: 'zoom';
  meetingId: string;
  kind: 'joined' | 'left';
  participantKey: string;
  name: string;
  email: string | null;
  at: Date;
}) => Promise<unknown>;

const PARTICIPANT_EVENTS: Record<string, 'joined' | 'left'> = { 'meeting.participant_joined': 'joined', 'meeting.participant_left': 'left' };

export interface ZoomDelivery {
  /** The exact bytes received; absent when the body was not JSON. */
  rawBody: Buffer | undefined;
  signature: string | undefined;
  timestamp: string | undefined;
  trackingId: string | undefined;
}

export type WebhookAnswer =
  | { plainToken: string; encryptedToken: string }
  | { received: true; outcome: 'handled' | 'duplicate' | 'ignored' };

const ZOOM = 'zoom' as const;
/** How long handled deliveries are remembered for deduplication. */
export const DELIVERY_MEMORY_MS = 7 * 24 * 60 * 60_000;

/**
 * Provider webhooks: authenticated by signature, deduplicated by a ledger of deliveries, acted on
 * through the pool's idempotent lifecycle functions. Never calls the provider, so it answers fast.
 */
export class WebhooksService {
  private readonly repository: WebhooksRepository;

  constructor(
    private readonly infra: Pick<Infra, 'env' | 'clock' | 'logger' | 'orm'>,
    private readonly lifecycle: () => MeetingLifecycle | undefined,
  ) {
    this.repository = new WebhooksRepository(infra.orm);
  }

  /** Told the lesson and provider recording ids once new recordings are stored (the live notice). */
  private recordingsStored: RecordingsListener = async () => {};

  onRecordingsStored(listener: RecordingsListener): void {
    this.recordingsStored = listener;
  }

  private participantSeen: ParticipantListener = async () => {};

  onParticipant(listener: ParticipantListener): void {
    this.participantSeen = listener;
  }

  async receiveZoom(delivery: ZoomDelivery): Promise<WebhookAnswer> {
    const { env, clock, logger } = this.infra;
    const secret = env.ZOOM_WEBHOOK_SECRET;
    const rawBody = delivery.rawBody;
    if (!rawBody) throw new AppError('request/invalid', 'Expected a JSON body');
    if (!secret) {
      logger.warn('zoom webhook received but ZOOM_WEBHOOK_SECRET is not set; refused');
      throw new AppError('webhook/invalid-signature', 'Webhooks are not configured');
    }
    if (!isValidZoomSignature(secret, { ...delivery, rawBody }, clock.now())) {
      logger.warn({ trackingId: delivery.trackingId }, 'zoom webhook with a bad signature or timestamp refused');
      throw new AppError('webhook/invalid-signature', 'Invalid webhook signature');
    }
    const envelope = parseWith(zoomWebhookEnvelope, parseJson(rawBody), 'webhook');

    if (envelope.event === 'endpoint.url_validation') {
      const { plainToken } = parseWith(zoomUrlValidationPayload, envelope.payload, 'webhook payload');
      return urlValidationAnswer(secret, plainToken);
    }
    if (!['meeting.started', 'meeting.ended', 'recording.completed'].includes(envelope.event) && !PARTICIPANT_EVENTS[envelope.event]) {
      logger.debug({ event: envelope.event }, 'zoom webhook event not used');
      return { received: true, outcome: 'ignored' };
    }

    const meeting = parseWith(zoomMeetingPayload, envelope.payload, 'webhook payload').object;
    // Several people join in the same millisecond: a participant event is keyed by who, too.
    const participant = PARTICIPANT_EVENTS[envelope.event] ? participantKey(parseWith(zoomParticipantPayload, envelope.payload, 'webhook payload')) : '';
    const eventKey = deliveryKey(envelope, meeting, rawBody, participant);
    const claimed = await this.repository.claimDelivery({
      provider: ZOOM,
      event: envelope.event,
      eventKey,
      meetingId: meeting.id,
      eventAt: envelope.event_ts === undefined ? null : new Date(envelope.event_ts),
      trackingId: delivery.trackingId?.slice(0, 255) ?? null,
      receivedAt: clock.now(),
    });
    if (!claimed) {
      logger.info({ event: envelope.event, meetingId: meeting.id }, 'duplicate zoom webhook ignored');
      return { received: true, outcome: 'duplicate' };
    }
    try {
      const handled = await this.dispatch(envelope, meeting.id);
      logger.info({ event: envelope.event, meetingId: meeting.id, handled }, 'zoom webhook');
      return { received: true, outcome: handled ? 'handled' : 'ignored' };
    } catch (error) {
      // Let Zoom's retry do the work again rather than losing the event.
      await this.repository.forgetDelivery(ZOOM, eventKey).catch(() => undefined);
      throw error;
    }
  }

  /** Drops ledger entries older than the dedupe memory; returns how many. */
  async pruneDeliveries(): Promise<number> {
    const removed = await this.repository.pruneDeliveries(new Date(this.infra.clock.now().getTime() - DELIVERY_MEMORY_MS));
    if (removed) this.infra.logger.info({ removed }, 'old webhook deliveries forgotten');
    return removed;
  }

  private async dispatch(envelope: ZoomWebhookEnvelope, meetingId: string): Promise<boolean> {
    switch (envelope.event) {
      case 'meeting.started':
        // Out of order: the end already came, so this start is stale and must not revive the lesson.
        if (await this.repository.endedDelivered(ZOOM, meetingId)) return false;
        await this.pool().markStartedByMeeting(ZOOM, meetingId);
        return true;
      case 'meeting.ended':
        await this.pool().releaseByMeeting(ZOOM, meetingId, 'webhook');
        return true;
      case 'recording.completed':
        return this.storeRecordings(parseWith(zoomRecordingPayload, envelope.payload, 'webhook payload'));
      case 'meeting.participant_joined':
      case 'meeting.participant_left':
        return this.storeParticipant(envelope, parseWith(zoomParticipantPayload, envelope.payload, 'webhook payload'));
      default:
        return false;
    }
  }

  private async storeRecordings(payload: ZoomRecordingPayload): Promise<boolean> {
    const recording = payload.object;
    const lessonId = await this.repository.lessonIdByMeeting(ZOOM, recording.id);
    if (!lessonId) return false;
    const instance = recording.uuid ?? recording.id;
    const rows: RecordingRow[] = [];
    if (recording.share_url) {
      rows.push({
        lessonId,
        meetingId: recording.id,
        recordingId: `zoom:${instance}:share`,
        url: recording.share_url,
        sizeBytes: recording.total_size ?? null,
        durationSeconds: recording.duration === undefined ? null : Math.round(recording.duration * 60),
        recordedAt: toDate(recording.start_time),
      });
    } else {
      recording.recording_files.forEach((file, index) => {
        const url = file.download_url ?? file.play_url;
        if (!url) return;
        const start = toDate(file.recording_start);
        const end = toDate(file.recording_end);
        rows.push({
          lessonId,
          meetingId: recording.id,
          recordingId: `zoom:${instance}:${file.id ?? index}`,
          url,
          sizeBytes: file.file_size ?? null,
          durationSeconds: start && end ? Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000)) : null,
          recordedAt: start,
        });
      });
    }
    const added = await this.repository.addRecordings(rows, this.infra.clock.now());
    if (added > 0) await this.recordingsStored(lessonId, rows.map((row) => row.recordingId));
    return rows.length > 0;
  }

  private async storeParticipant(envelope: ZoomWebhookEnvelope, payload: ZoomParticipantPayload): Promise<boolean> {
    const { participant, id: meetingId } = payload.object;
    const lessonId = await this.repository.lessonIdByMeeting(ZOOM, meetingId);
    if (!lessonId) return false;
    const kind = PARTICIPANT_EVENTS[envelope.event]!;
    const reported = toDate(kind === 'joined' ? participant.join_time : participant.leave_time);
    const at = reported ?? (envelope.event_ts === undefined ? this.infra.clock.now() : new Date(envelope.event_ts));
    const name = participant.user_name || participant.email || 'Participant';
    await this.participantSeen({ lessonId, provider: ZOOM, meetingId, kind, participantKey: participantKey(payload), name, email: participant.email?.toLowerCase() || null, at });
    return true;
  }

  private pool(): MeetingLifecycle {
    const lifecycle = this.lifecycle();
    if (!lifecycle) throw new Error('the pool service is not available');
    return lifecycle;
  }
}

/** One key per event: Zoom's retries repeat the body, so event + meeting instance + event time identify it. */
function deliveryKey(envelope: ZoomWebhookEnvelope, meeting: { id: string; uuid?: string }, rawBody: Buffer, participant = ''): string {
  if (envelope.event_ts === undefined) return `${envelope.event}:body:${createHash('sha256').update(rawBody).digest('hex')}`;
  return `${envelope.event}:${meeting.uuid ?? meeting.id}:${participant ? `${participant}:` : ''}${envelope.event_ts}`.slice(0, 400);
}

/** The same person across their join and leave: Zoom's participant uuid, else its ids, else the email or name. */
function participantKey(payload: ZoomParticipantPayload): string {
  const p = payload.object.participant;
  return (p.participant_uuid || p.id || p.email?.toLowerCase() || p.user_id || p.user_name || 'unknown').slice(0, 255);
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new AppError('request/malformed-json', 'The body is not valid JSON');
  }
}

/** Zoom's informational times: an unreadable or absurd one is dropped rather than failing the delivery. */
function toDate(value: string | undefined): Date | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return ms >= EPOCH_MS_RANGE.min && ms <= EPOCH_MS_RANGE.max ? new Date(ms) : null;
}
