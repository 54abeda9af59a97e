import { DateTime } from 'luxon';
import { LIMITS } from '@tp/shared/constants';
import { t } from '$lib/i18n/i18n.svelte.js';
import { fromLocalInput } from './time.js';

/**
 * The calendar forms' checks, shown at the field before anything is sent: a title over the limit is
 * refused (never cut), an unreadable date or zone names the field instead of showing NaN downstream.
 */

/** Every IANA zone the browser knows (with UTC), sorted; the series' zone is picked from these. */
export function knownZones(): string[] {
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...listed, 'UTC'])].sort();
}

export function isKnownZone(zone: string, zones: readonly string[] = knownZones()): boolean {
  return zones.includes(zone) && DateTime.local().setZone(zone).isValid;
}

export function titleError(title: string): string | null {
  const count = title.trim().length;
  return count > LIMITS.title.max ? t('calendar.error.titleTooLong', { max: LIMITS.title.max, count }) : null;
}

/** A lesson's start and end (datetime-local values read in `zone`). */
export function rangeErrors(start: string, end: string, zone: string): { start: string | null; end: string | null } {
  const from = fromLocalInput(start, zone);
  const to = fromLocalInput(end, zone);
  return {
    start: from ? null : t('calendar.error.invalidDate'),
    end: !to ? t('calendar.error.invalidDate') : from && Date.parse(to) <= Date.parse(from) ? t('calendar.error.endBeforeStart') : null,
  };
}

/** A series' first and last dates (yyyy-mm-dd). */
export function dateRangeErrors(first: string, last: string): { start: string | null; end: string | null } {
  const valid = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid;
  return {
    start: valid(first) ? null : t('calendar.error.invalidDay'),
    end: !valid(last) ? t('calendar.error.invalidDay') : valid(first) && last < first ? t('calendar.error.lastBeforeFirst') : null,
  };
}

/** The UTC offset a zone has now, e.g. `UTC+03:00`, to tell zones apart in the list. */
export function zoneOffset(zone: string): string {
  const now = DateTime.now().setZone(zone);
  return now.isValid ? `UTC${now.toFormat('ZZ')}` : '';
}
