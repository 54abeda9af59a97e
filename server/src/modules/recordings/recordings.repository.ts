import type { Orm } from '../../infra/db.js';

export interface RecordingRow {
  id: string;
  lessonId: string;
  url: string;
  sizeBytes: number | null;
  durationSeconds: number | null;
  recordedAt: Date | null;
  createdAt: Date;
}

/** Whose lesson it is: enough to authorise a reader and to address the live notice. */
export interface LessonAudience {
  lessonId: string;
  teacherId: string;
  groupId: string;
}

/** Reads `lesson_recordings` (the webhooks module writes it when a provider reports a recording). */
export class RecordingsRepository {
  constructor(private readonly orm: Orm) {}

  private sql<T>(query: string, params: unknown[]): Promise<T[]> {
    return this.orm.em.fork().getConnection().execute(query, params, 'all');
  }

  async lessonAudience(lessonId: string): Promise<LessonAudience | null> {
    const rows = await this.sql<{ id: string; teacher_id: string; group_id: string }>(`select id, teacher_id, group_id from lessons where id = ?`, [lessonId]);
    const row = rows[0];
    return row ? { lessonId: row.id, teacherId: row.teacher_id, groupId: row.group_id } : null;
  }

  /** A lesson's recordings, oldest first; `ids` narrows to just those (the ones that just arrived). */
  async list(lessonId: string, ids?: string[]): Promise<RecordingRow[]> {
    const only = ids ? `and recording_id in (?)` : '';
    const rows = await this.sql<Record<string, unknown>>(
      `select id, lesson_id, url, size_bytes, duration_s, recorded_at, created_at
         from lesson_recordings where lesson_id = ? ${only}
        order by coalesce(recorded_at, created_at), recording_id`,
      ids ? [lessonId, ids] : [lessonId],
    );
    return rows.map((row) => ({
      id: String(row.id),
      lessonId: String(row.lesson_id),
      url: String(row.url),
      sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
      durationSeconds: row.duration_s === null ? null : Number(row.duration_s),
      recordedAt: row.recorded_at ? new Date(row.recorded_at as string) : null,
      createdAt: new Date(row.created_at as string),
    }));
  }
}
