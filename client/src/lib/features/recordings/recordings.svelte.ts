import type { LessonRecordingsDto, RecordingDto } from '@tp/shared';
import { http } from '$lib/api/http.js';
import { SvelteSet } from 'svelte/reactivity';
import { onResync, onSocket } from '$lib/api/socket.js';

/**
 * One lesson's recordings: a snapshot from `GET /api/lessons/:id/recordings`, then `recording:added`
 * pushes merged in; a reconnect (events may have been missed) reloads the snapshot.
 */
export class LessonRecordingsState {
  items = $state<RecordingDto[]>([]);
  loading = $state(true);
  error = $state<unknown>(null);
  /** Ids that arrived live while the panel was open (highlighted). */
  readonly fresh = new SvelteSet<string>();

  constructor(readonly lessonId: string) {}

  /** Loads and follows; returns the cleanup for an `$effect`. */
  follow(): () => void {
    void this.load();
    const offAdded = onSocket('recording:added', (payload) => {
      if (payload.lessonId !== this.lessonId) return;
      this.merge(payload.recordings, true);
    });
    const offResync = onResync(({ reconnect }) => {
      if (reconnect) void this.load();
    });
    return () => {
      offAdded();
      offResync();
    };
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const body = await http.get<LessonRecordingsDto>(`/api/lessons/${encodeURIComponent(this.lessonId)}/recordings`);
      this.items = [];
      this.merge(body.items, false);
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  private merge(recordings: RecordingDto[], live: boolean): void {
    const incoming = recordings.map((r) => r.id);
    this.items = [...this.items.filter((r) => !incoming.includes(r.id)), ...recordings].sort((a, b) => (a.recordedAt ?? a.createdAt).localeCompare(b.recordedAt ?? b.createdAt) || a.url.localeCompare(b.url));
    if (live) recordings.forEach((r) => this.fresh.add(r.id));
  }
}

/** 123456789 → "117.7 MB" (binary units, one decimal). */
export function formatSize(bytes: number | null): string | null {
  if (bytes === null) return null;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Whole minutes, at least 1 for a recording that has any length. */
export const durationMinutes = (seconds: number | null) => (seconds === null ? null : Math.max(seconds > 0 ? 1 : 0, Math.round(seconds / 60)));
