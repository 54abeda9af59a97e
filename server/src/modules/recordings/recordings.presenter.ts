import type { RecordingDto } from '@tp/shared';
import type { RecordingRow } from './recordings.repository.js';

export function presentRecording(row: RecordingRow): RecordingDto {
  return {
    id: row.id,
    lessonId: row.lessonId,
    url: row.url,
    sizeBytes: row.sizeBytes,
    durationSeconds: row.durationSeconds,
    recordedAt: row.recordedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
