import type { CalendarChangedPayload, CalendarEventDto } from '@tp/shared';

/** Whether a lesson overlaps [from, to) (milliseconds since epoch). */
export function overlaps(event: CalendarEventDto, from: number, to: number): boolean {
  return Date.parse(event.endAt) > from && Date.parse(event.startAt) < to;
}

export function sortByStart(events: CalendarEventDto[]): CalendarEventDto[] {
  return [...events].sort((a, b) => a.startAt.localeCompare(b.startAt));
}

/** Applies a `calendar:changed` push to a list shown for [from, to): removed and changed ids go, current versions come in. */
export function mergeChange(events: CalendarEventDto[], change: CalendarChangedPayload, from: number, to: number): CalendarEventDto[] {
  const replaced = new Set([...change.removedIds, ...change.events.map((event) => event.id)]);
  const kept = events.filter((event) => !replaced.has(event.id));
  return sortByStart([...kept, ...change.events.filter((event) => overlaps(event, from, to))]);
}

export const isoAt = (ms: number): string => new Date(ms).toISOString();
