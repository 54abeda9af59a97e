import type { CalendarChangedPayload, CalendarEventDto } from '@tp/shared';
import { http } from '$lib/api/http.js';
import { onResync, onSocket } from '$lib/api/socket.js';
import { isoAt, mergeChange, overlaps, sortByStart } from './merge.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The signed-in user's lessons of the next days, kept live by `calendar:changed` and lesson events. */
export class UpcomingLessons {
  events = $state<CalendarEventDto[]>([]);
  loading = $state(true);
  error = $state<unknown>(null);
  /** The window shown, milliseconds since epoch. */
  private from = 0;
  private to = 0;

  constructor(private readonly days = 7) {}

  async load(): Promise<void> {
    this.from = Date.now();
    this.to = this.from + this.days * DAY_MS;
    this.loading = true;
    try {
      const { events } = await http.get<{ events: CalendarEventDto[] }>('/api/calendar', {
        from: isoAt(this.from),
        to: isoAt(this.to),
      });
      this.events = sortByStart(events.filter((event) => overlaps(event, this.from, this.to)));
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  apply(change: CalendarChangedPayload): void {
    this.events = mergeChange(this.events, change, this.from, this.to);
  }

  /** Loads, then follows live changes; returns the cleanup (use it as an `$effect` return). */
  follow(): () => void {
    void this.load();
    const stops = [
      onSocket('calendar:changed', (change) => this.apply(change)),
      onSocket('lesson:live', ({ lessonId }) => this.patch(lessonId, { live: true, status: 'live' })),
      onSocket('lesson:ended', ({ lessonId }) => this.patch(lessonId, { live: false, status: 'completed' })),
      onResync(({ reconnect }) => {
        if (reconnect) void this.load();
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }

  private patch(id: string, fields: Partial<CalendarEventDto>): void {
    this.events = this.events.map((event) => (event.id === id ? { ...event, ...fields } : event));
  }
}
