import { z } from 'zod';

/*
 * Zoom webhook bodies. Zoom adds fields over time, so these read what the product needs and
 * ignore the rest (plain objects, not strict ones).
 */

/** Zoom sends meeting ids as numbers in some events and strings in others. */
const zoomId = z.union([z.string().min(1).max(255), z.number().int().nonnegative()]).transform(String);

export const zoomWebhookEnvelope = z.object({
  event: z.string().min(1).max(100),
  /** Milliseconds since the epoch, when Zoom produced the event. */
  event_ts: z.number().int().nonnegative().optional(),
  payload: z.record(z.string(), z.unknown()).default({}),
});
export type ZoomWebhookEnvelope = z.infer<typeof zoomWebhookEnvelope>;

export const zoomUrlValidationPayload = z.object({ plainToken: z.string().min(1).max(512) });

export const zoomMeetingObject = z.object({
  id: zoomId,
  uuid: z.string().max(255).optional(),
});
export const zoomMeetingPayload = z.object({ object: zoomMeetingObject });

export const zoomRecordingFile = z.object({
  id: z.string().max(255).optional(),
  file_type: z.string().max(32).optional(),
  file_size: z.number().nonnegative().optional(),
  download_url: z.string().max(4000).optional(),
  play_url: z.string().max(4000).optional(),
  recording_start: z.string().max(64).optional(),
  recording_end: z.string().max(64).optional(),
});
export const zoomRecordingPayload = z.object({
  object: zoomMeetingObject.extend({
    share_url: z.string().max(4000).optional(),
    total_size: z.number().nonnegative().optional(),
    /** Minutes. */
    duration: z.number().nonnegative().optional(),
    start_time: z.string().max(64).optional(),
    recording_files: z.array(zoomRecordingFile).max(100).default([]),
  }),
});
export type ZoomRecordingPayload = z.infer<typeof zoomRecordingPayload>;
