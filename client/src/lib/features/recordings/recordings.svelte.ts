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

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** 52428800 → "50 MB" / "50 МБ" in the reader's language (binary steps, at most one decimal). */
export function formatSize(bytes: number | null, language: string): string | null {
  if (bytes === null) return null;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(language, { style: 'unit', unit: SIZE_UNITS[unit], unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

/** Whole minutes, at least 1 for a recording that has any length. */
export const durationMinutes = (seconds: number | null) => (seconds === null ? null : Math.max(seconds > 0 ? 1 : 0, Math.round(seconds / 60)));
