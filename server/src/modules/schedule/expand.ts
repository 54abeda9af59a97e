import { DateTime, IANAZone } from 'luxon';
import type { WeekType } from '@tp/shared';

/**
 * Pure recurrence arithmetic: no database, no clock. Dates are local calendar dates (`yyyy-mm-dd`)
 * handled as whole days since 1970-01-01 so that a year of weekly occurrences costs a few integer
 * additions; instants are computed from the rule's wall-clock time in its IANA timezone.
 */

const DAY_MS = 86_400_000;

export interface RuleSpec {
  id: string;
  /** ISO day of week, 1 = Monday. */
  dayOfWeek: number;
  weekType: WeekType;
  /** `HH:mm` wall-clock in `timezone`. */
  startTime: string;
  endTime: string;
  timezone: string;
  startDate: string;
  endDate: string;
}

export interface Occurrence {
  ruleId: string;
  /** The local date of the occurrence in the rule's timezone. */
  date: string;
  startAt: Date;
  endAt: Date;
}

const digits = (text: string, from: number, count: number) => {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
};

/** Days since 1970-01-01 of a `yyyy-mm-dd` date (read digit by digit: called per rule per request). */
export function dayNumber(isoDate: string): number {
  return Math.round(Date.UTC(digits(isoDate, 0, 4), digits(isoDate, 5, 2) - 1, digits(isoDate, 8, 2)) / DAY_MS);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `yyyy-mm-dd` of a day number, by integer arithmetic (H. Hinnant's civil-from-days); hot in expansion. */
export function isoDateOfDay(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${pad2(m)}-${pad2(d)}`;
}

export function addDays(isoDate: string, days: number): string {
  return isoDateOfDay(dayNumber(isoDate) + days);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

const mondayOf = (day: number) => day - (isoWeekday(day) - 1);

/** 1 September of the academic year containing `day`: Sep 1 … Aug 31 belong to one year. */
export function defaultAnchorDay(day: number): number {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCMonth() >= 8 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
  return Math.round(Date.UTC(year, 8, 1) / DAY_MS);
}

/** The anchor's ISO week is UPPER, the next LOWER, and so on (in both directions). */
export function weekParity(day: number, anchorDate: string | null): 'UPPER' | 'LOWER' {
  const anchor = anchorDate ? dayNumber(anchorDate) : defaultAnchorDay(day);
  const weeks = Math.round((mondayOf(day) - mondayOf(anchor)) / 7);
  return Math.abs(weeks) % 2 === 0 ? 'UPPER' : 'LOWER';
}

const CLOCK = Array.from({ length: 1440 }, (_, m) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`);
const dayPrefixes = new Map<number, string>();

/**
 * `Date#toISOString` for whole-minute instants without allocating a Date: occurrences are whole
 * minutes, and a year of them is formatted per calendar request.
 */
export function isoInstant(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const rest = ms - day * DAY_MS;
  if (rest % 60_000 !== 0) return new Date(ms).toISOString();
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size > 50_000) dayPrefixes.clear();
    dayPrefixes.set(day, (prefix = `${isoDateOfDay(day)}T`));
  }
  return `${prefix}${CLOCK[rest / 60_000]}:00.000Z`;
}

export function minutesOf(wallClock: string): number {
  return digits(wallClock, 0, 2) * 60 + digits(wallClock, 3, 2);
}

/**
 * UTC offsets per zone and local day. A day whose offsets 14 h before and 38 h after its UTC
 * midnight agree has no transition anywhere in it, so local → UTC is one subtraction; the rare
 * transition days go through luxon, which resolves gaps and overlaps as everywhere else.
 */
const offsetCache = new Map<string, Map<number, number | null>>();

function steadyOffset(zone: IANAZone, day: number): number | null {
  let byDay = offsetCache.get(zone.name);
  if (!byDay) offsetCache.set(zone.name, (byDay = new Map()));
  let offset = byDay.get(day);
  if (offset === undefined) {
    const before = zone.offset(day * DAY_MS - 14 * 3_600_000);
    const after = zone.offset(day * DAY_MS + 38 * 3_600_000);
    offset = before === after ? before : null;
    if (byDay.size > 20_000) byDay.clear();
    byDay.set(day, offset);
  }
  return offset;
}

/** The instant (epoch ms) of local wall-clock `minutes` past midnight of `day` in `zoneName`. */
export function zonedEpochMs(day: number, minutes: number, zoneName: string): number {
  const zone = IANAZone.create(zoneName);
  const offset = steadyOffset(zone, day);
  if (offset !== null) return day * DAY_MS + minutes * 60_000 - offset * 60_000;
  return transitionDayEpochMs(day, minutes, zone);
}

const transitionCache = new Map<string, number>();

/** Days with a DST change resolve through luxon; the few distinct answers are remembered. */
function transitionDayEpochMs(day: number, minutes: number, zone: IANAZone): number {
  const key = `${zone.name}|${day}|${minutes}`;
  let cached = transitionCache.get(key);
  if (cached === undefined) {
    if (transitionCache.size > 20_000) transitionCache.clear();
    transitionCache.set(key, (cached = resolveWallClock(day, minutes, zone)));
  }
  return cached;
}

/**
 * Start and end of a lesson on a day with a DST change: wall-clock times, except that a start in a
 * skipped hour moves forward with the clocks and the lesson then keeps its length (rather than being
 * squeezed, or ending before it starts).
 */
function transitionDaySpan(day: number, startMinutes: number, endMinutes: number, zone: IANAZone): [number, number] {
  const start = transitionDayEpochMs(day, startMinutes, zone);
  const end = transitionDayEpochMs(day, endMinutes, zone);
  const startSkipped = Math.round((start + zone.offset(start) * 60_000 - day * DAY_MS) / 60_000) !== startMinutes;
  return [start, startSkipped ? start + (endMinutes - startMinutes) * 60_000 : end];
}

function resolveWallClock(day: number, minutes: number, zone: IANAZone): number {
  const date = new Date(day * DAY_MS);
  return DateTime.fromObject(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: Math.floor(minutes / 60),
      minute: minutes % 60,
    },
    { zone },
  ).toMillis();
}

/** The local date of an instant in a zone. */
export function localDateOf(instant: Date, zoneName: string): string {
  return DateTime.fromJSDate(instant, { zone: zoneName }).toISODate()!;
}

function occursOn(rule: RuleSpec, day: number, anchorDate: string | null): boolean {
  if (isoWeekday(day) !== rule.dayOfWeek) return false;
  if (day < dayNumber(rule.startDate) || day > dayNumber(rule.endDate)) return false;
  return rule.weekType === 'ALL' || weekParity(day, anchorDate) === rule.weekType;
}

/** Whether `date` really is an occurrence date of the rule. */
export function isOccurrenceDate(rule: RuleSpec, date: string, anchorDate: string | null): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && isoDateOfDay(dayNumber(date)) === date && occursOn(rule, dayNumber(date), anchorDate);
}

export function occurrenceAt(rule: RuleSpec, date: string): Occurrence {
  const day = dayNumber(date);
  const startMinutes = minutesOf(rule.startTime);
  const endMinutes = minutesOf(rule.endTime);
  const zone = IANAZone.create(rule.timezone);
  const offset = steadyOffset(zone, day);
  const [startMs, endMs] =
    offset !== null ? [day * DAY_MS + (startMinutes - offset) * 60_000, day * DAY_MS + (endMinutes - offset) * 60_000] : transitionDaySpan(day, startMinutes, endMinutes, zone);
  return { ruleId: rule.id, date, startAt: new Date(startMs), endAt: new Date(endMs) };
}

/**
 * Calls `visit(date, startMs, endMs)` for each occurrence of `rule` overlapping the instant range
 * [from, to), in date order, allocating nothing per occurrence (the calendar's hot path).
 * `skip(date)` drops dates that a stored lesson has taken over.
 */
export function forEachOccurrence(
  rule: RuleSpec,
  from: Date,
  to: Date,
  anchorDate: string | null,
  skip: ((date: string) => boolean) | undefined,
  visit: (date: string, startMs: number, endMs: number) => void,
): void {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  // A local date is at most one day away from the UTC date of the same instant.
  const lo = Math.max(dayNumber(rule.startDate), Math.floor(fromMs / DAY_MS) - 1);
  const hi = Math.min(dayNumber(rule.endDate), Math.floor(toMs / DAY_MS) + 1);
  if (lo > hi) return;
  const startMinutes = minutesOf(rule.startTime);
  const endMinutes = minutesOf(rule.endTime);
  const zone = IANAZone.create(rule.timezone);
  const fixedAnchorMonday = anchorDate ? mondayOf(dayNumber(anchorDate)) : null;
  // The default anchor changes only at an academic-year boundary: recompute it when crossing one.
  let anchorMonday = 0;
  let anchorFrom = Infinity;
  let anchorUntil = -Infinity;
  for (let day = lo + ((rule.dayOfWeek - isoWeekday(lo) + 7) % 7); day <= hi; day += 7) {
    if (rule.weekType !== 'ALL') {
      if (fixedAnchorMonday !== null) anchorMonday = fixedAnchorMonday;
      else if (day < anchorFrom || day >= anchorUntil) {
        anchorFrom = defaultAnchorDay(day);
        anchorUntil = defaultAnchorDay(anchorFrom + 366);
        anchorMonday = mondayOf(anchorFrom);
      }
      const upper = Math.abs(Math.round((day - (rule.dayOfWeek - 1) - anchorMonday) / 7)) % 2 === 0;
      if (upper !== (rule.weekType === 'UPPER')) continue;
    }
    const offset = steadyOffset(zone, day);
    let startMs: number;
    let endMs: number;
    if (offset !== null) {
      startMs = day * DAY_MS + (startMinutes - offset) * 60_000;
      endMs = day * DAY_MS + (endMinutes - offset) * 60_000;
    } else [startMs, endMs] = transitionDaySpan(day, startMinutes, endMinutes, zone);
    if (startMs >= toMs || endMs <= fromMs) continue;
    const date = isoDateOfDay(day);
    if (skip?.(date)) continue;
    visit(date, startMs, endMs);
  }
}

/** Occurrences of `rule` overlapping [from, to), in date order, minus the dates `skip` names. */
export function expandRule(rule: RuleSpec, from: Date, to: Date, anchorDate: string | null, skip?: (date: string) => boolean): Occurrence[] {
  const out: Occurrence[] = [];
  forEachOccurrence(rule, from, to, anchorDate, skip, (date, startMs, endMs) => {
    out.push({ ruleId: rule.id, date, startAt: new Date(startMs), endAt: new Date(endMs) });
  });
  return out;
}

/** All occurrences of a rule over its whole date span (for validating a new or changed rule). */
export function expandWholeRule(rule: RuleSpec, anchorDate: string | null, skip?: (date: string) => boolean): Occurrence[] {
  const from = new Date((dayNumber(rule.startDate) - 1) * DAY_MS);
  const to = new Date((dayNumber(rule.endDate) + 2) * DAY_MS);
  return expandRule(rule, from, to, anchorDate, skip);
}

/** Occurrence ids are parsed in one place, next to the schema every lesson route validates with. */
export { occurrenceId, parseOccurrenceId } from '@tp/shared';
