import { z } from 'zod';
import { uuid } from './common.js';

/** `GET /api/lessons/:id/recordings`: the lesson is a stored lesson (a uuid). */
export const lessonRecordingsParams = z.strictObject({ id: uuid });

/** One stored recording of a lesson, as its teacher and the group's students see it. */
export const recordingDto = z.object({
  id: uuid,
  lessonId: uuid,
  /** Where the recording plays or downloads (the provider's link). */
  url: z.string(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  durationSeconds: z.number().int().nonnegative().nullable(),
  recordedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type RecordingDto = z.infer<typeof recordingDto>;

export const lessonRecordingsDto = z.object({ lessonId: uuid, items: z.array(recordingDto) });
export type LessonRecordingsDto = z.infer<typeof lessonRecordingsDto>;
