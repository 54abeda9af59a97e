import { DateTime } from 'luxon';
import type { CalendarEventDto, RecurringRuleDto, WeekType } from '@tp/shared';

/** The zone the calendar shows: the profile's, else the browser's. */
export function viewerZone(profileZone: string | null | undefined): string {
  if (profileZone && DateTime.local().setZone(profileZone).isValid) return profileZone;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** `yyyy-MM-ddTHH:mm` for a datetime-local input, in `zone`. */
export function toLocalInput(iso: string | Date, zone: string): string {
  const at = typeof iso === 'string' ? DateTime.fromISO(iso) : DateTime.fromJSDate(iso);
  return at.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** A datetime-local value read in `zone`, as an ISO instant; null when unreadable. */
export function fromLocalInput(value: string, zone: string): string | null {
  const at = DateTime.fromISO(value, { zone });
  return at.isValid ? at.toUTC().toISO() : null;
}

/** The wall clock of an instant in `zone`: ISO weekday, `HH:mm` and the calendar date. */
export function wallClock(iso: string | Date, zone: string): { dayOfWeek: number; time: string; date: string } {
  const at = (typeof iso === 'string' ? DateTime.fromISO(iso) : DateTime.fromJSDate(iso)).setZone(zone);
  return { dayOfWeek: at.weekday, time: at.toFormat('HH:mm'), date: at.toISODate() ?? '' };
}

/** 1 September of the academic year that contains `date` (Sep 1 … Aug 31 form one year). */
export function defaultAnchor(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return `${month >= 9 ? year : year - 1}-09-01`;
}

/** The last day of the academic year that contains `date`: a sensible default end for a weekly series. */
export function academicYearEnd(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return `${month >= 9 ? year + 1 : year}-06-30`;
}

/** The anchor's week is UPPER, the next LOWER, and so on in both directions (weeks start on Monday). */
export function weekParity(date: string, anchorDate: string | null): Exclude<WeekType, 'ALL'> {
  const anchor = anchorDate ?? defaultAnchor(date);
  const monday = (d: string) => DateTime.fromISO(d, { zone: 'UTC' }).startOf('week');
  const weeks = Math.round(monday(date).diff(monday(anchor), 'weeks').weeks);
  return Math.abs(weeks) % 2 === 0 ? 'UPPER' : 'LOWER';
}

export const minutesBetween = (startAt: string, endAt: string) => (Date.parse(endAt) - Date.parse(startAt)) / 60_000;

/**
 * How "this and following" changes a series: split at the occurrence's own date, or at the date it
 * moves to when that is earlier (Friday's lesson moved to Thursday keeps this week's lesson). A split at
 * or before the first date is simply a change of the whole series, starting from that date.
 */
export function followingChange(
  event: Pick<CalendarEventDto, 'occurrenceDate' | 'startAt'>,
  newDate: string,
  rule: Pick<RecurringRuleDto, 'startDate' | 'timezone'>,
): { fromDate: string } | { startDate: string } {
  const own = event.occurrenceDate ?? wallClock(event.startAt, rule.timezone).date;
  const split = newDate < own ? newDate : own;
  return split <= rule.startDate ? { startDate: split } : { fromDate: split };
}
