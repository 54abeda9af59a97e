import { z } from 'zod';
import { epochMillis, text } from './common.js';

/*
 * Zoom webhook bodies. Zoom adds fields over time, so these read what the product needs and
 * ignore the rest (plain objects, not strict ones).
 */

/** Zoom sends meeting ids as numbers in some events and strings in others. */
const zoomId = z.union([text(255), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]).transform(String);

export const zoomWebhookEnvelope = z.object({
  event: text(100),
  /** Milliseconds since the epoch, when Zoom produced the event; an absurd time is refused with a 400. */
  event_ts: epochMillis.optional(),
  payload: z.record(text(200, { trim: false }), z.unknown()).default({}),
});
export type ZoomWebhookEnvelope = z.infer<typeof zoomWebhookEnvelope>;

export const zoomUrlValidationPayload = z.object({ plainToken: text(512, { trim: false }) });

export const zoomMeetingObject = z.object({
  id: zoomId,
  uuid: text(255, { min: 0 }).optional(),
});
export const zoomMeetingPayload = z.object({ object: zoomMeetingObject });

export const zoomRecordingFile = z.object({
  id: text(255, { min: 0 }).optional(),
  file_type: text(32, { min: 0 }).optional(),
  file_size: z.number().nonnegative().optional(),
  download_url: text(4000, { min: 0 }).optional(),
  play_url: text(4000, { min: 0 }).optional(),
  recording_start: text(64, { min: 0 }).optional(),
  recording_end: text(64, { min: 0 }).optional(),
});
export const zoomRecordingPayload = z.object({
  object: zoomMeetingObject.extend({
    share_url: text(4000, { min: 0 }).optional(),
    total_size: z.number().nonnegative().optional(),
    /** Minutes. */
    duration: z.number().nonnegative().optional(),
    start_time: text(64, { min: 0 }).optional(),
    recording_files: z.array(zoomRecordingFile).max(100).default([]),
  }),
});
export type ZoomRecordingPayload = z.infer<typeof zoomRecordingPayload>;

/** `meeting.participant_joined` / `meeting.participant_left`: who, and when (Zoom's own times when it sends them). */
export const zoomParticipantPayload = z.object({
  object: zoomMeetingObject.extend({
    participant: z.object({
      user_id: zoomId.optional(),
      id: text(255, { min: 0 }).optional(),
      participant_uuid: text(255, { min: 0 }).optional(),
      user_name: text(200, { min: 0 }).optional(),
      email: text(254, { min: 0 }).optional(),
      join_time: text(64, { min: 0 }).optional(),
      leave_time: text(64, { min: 0 }).optional(),
    }),
  }),
});
export type ZoomParticipantPayload = z.infer<typeof zoomParticipantPayload>;
