import type { CalendarChangedPayload, CalendarEventDto } from '@tp/shared';
import { http } from '$lib/api/http.js';
import { onResync, onSocket } from '$lib/api/socket.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The signed-in user's lessons of the next days, kept live by `calendar:changed` and lesson events. */
export class UpcomingLessons {
  events = $state<CalendarEventDto[]>([]);
  loading = $state(true);
  error = $state<unknown>(null);
  private from = new Date();
  private to = new Date();

  constructor(private readonly days = 7) {}

  async load(): Promise<void> {
    this.from = new Date();
    this.to = new Date(this.from.getTime() + this.days * DAY_MS);
    this.loading = true;
    try {
      const { events } = await http.get<{ events: CalendarEventDto[] }>('/api/calendar', {
        from: this.from.toISOString(),
        to: this.to.toISOString(),
      });
      this.events = sortByStart(events.filter((event) => this.inRange(event)));
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  apply(change: CalendarChangedPayload): void {
    const replaced = new Set([...change.removedIds, ...change.events.map((event) => event.id)]);
    const kept = this.events.filter((event) => !replaced.has(event.id));
    this.events = sortByStart([...kept, ...change.events.filter((event) => this.inRange(event))]);
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

  private inRange(event: CalendarEventDto): boolean {
    return new Date(event.endAt) > this.from && new Date(event.startAt) < this.to;
  }
}

function sortByStart(events: CalendarEventDto[]): CalendarEventDto[] {
  return [...events].sort((a, b) => a.startAt.localeCompare(b.startAt));
}
