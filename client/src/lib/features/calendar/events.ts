import type { EventInput } from '@fullcalendar/core';
import { DateTime } from 'luxon';
import type { CalendarEventDto } from '@tp/shared';

/** Distinct, readable-on-white hues; a group keeps its colour between visits (hash of its id). */
const PALETTE = ['#4f46e5', '#0f766e', '#b45309', '#be185d', '#1d4ed8', '#15803d', '#7c3aed', '#c2410c', '#0e7490', '#a21caf'];

export function groupColor(groupId: string): string {
  let hash = 0;
  for (const char of groupId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/** An occurrence of a rule that is not stored yet (its id names the rule and the date). */
export const isOccurrenceId = (id: string) => id.startsWith('rule:');

/** A calendar event as FullCalendar takes it; the DTO rides along in `extendedProps.dto`. */
export function toEventInput(event: CalendarEventDto, editable: boolean): EventInput {
  const color = groupColor(event.groupId);
  const fixed = event.status === 'live' || event.status === 'completed' || event.status === 'cancelled';
  return {
    id: event.id,
    title: event.title,
    start: event.startAt,
    end: event.endAt,
    // Coloured blocks in the month grid too (the default dot style would hide the white text).
    display: 'block',
    backgroundColor: event.status === 'cancelled' ? 'transparent' : color,
    borderColor: color,
    textColor: event.status === 'cancelled' ? color : '#ffffff',
    editable: editable && !fixed,
    classNames: [`status-${event.status}`, ...(event.live ? ['is-live'] : []), ...(event.weekType && event.weekType !== 'ALL' ? [`week-${event.weekType.toLowerCase()}`] : [])],
    extendedProps: { dto: event },
  };
}

/** A drag or resize the page decides about: keep it (after the server agreed) or `revert()`. */
export interface MoveRequest {
  event: CalendarEventDto;
  startAt: string;
  endAt: string;
  revert: () => void;
}

/** Where the time grid opens when the shown days have no lesson. */
export const WORKDAY_START = '08:00:00';

/**
 * The earliest wall-clock start (in `zone`) of the lessons shown in [from, to), an hour-aligned half hour
 * before it so the block is not glued to the top; null when none is shown.
 */
export function firstLessonTime(events: CalendarEventDto[], from: Date, to: Date, zone: string): string | null {
  let earliest: number | null = null;
  for (const event of events) {
    const start = Date.parse(event.startAt);
    if (start >= to.getTime() || Date.parse(event.endAt) <= from.getTime()) continue;
    const local = DateTime.fromMillis(Math.max(start, from.getTime()), { zone });
    if (!local.isValid) continue;
    const minutes = local.hour * 60 + local.minute;
    earliest = earliest === null ? minutes : Math.min(earliest, minutes);
  }
  if (earliest === null) return null;
  const hour = Math.floor(Math.max(0, earliest - 30) / 60);
  return `${String(hour).padStart(2, '0')}:00:00`;
}
