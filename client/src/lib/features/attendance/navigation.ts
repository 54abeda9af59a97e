import type { CalendarEventDto } from '@tp/shared';

/** Where the marking view's back link leads, and which words name it. */
export type BackLabel = 'attendance.backTo.dashboard' | 'attendance.backTo.calendar' | 'attendance.backTo.list' | 'attendance.backTo.previous';

/**
 * The page the marking view was opened from (the dashboard, the calendar, the attendance list, …),
 * named by what it is; opened directly, the attendance list.
 */
export function backLinkFor(from: URL | null | undefined, base = ''): { href: string; label: BackLabel } {
  if (!from) return { href: `${base}/app/attendance`, label: 'attendance.backTo.list' };
  const path = from.pathname.slice(base.length);
  const href = from.pathname + from.search;
  if (path === '/app' || path === '/app/') return { href, label: 'attendance.backTo.dashboard' };
  if (path.startsWith('/app/calendar')) return { href, label: 'attendance.backTo.calendar' };
  if (path === '/app/attendance') return { href, label: 'attendance.backTo.list' };
  return { href, label: 'attendance.backTo.previous' };
}

/**
 * The teacher's recent lessons: those started by `now` first, newest first; lessons still ahead
 * apart, soonest first.
 */
export function recentLessons(events: CalendarEventDto[], now: number): { started: CalendarEventDto[]; upcoming: CalendarEventDto[] } {
  const live = events.filter((event) => event.status !== 'cancelled');
  const started = live.filter((event) => Date.parse(event.startAt) <= now).sort((a, b) => Date.parse(b.startAt) - Date.parse(a.startAt));
  const upcoming = live.filter((event) => Date.parse(event.startAt) > now).sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
  return { started, upcoming };
}
