import type { NotificationDto } from '@tp/shared';
import { formatDateTime, t } from '$lib/i18n/i18n.svelte.js';

const when = (iso?: string) => (iso ? formatDateTime(iso, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '');
const time = (iso?: string) => (iso ? formatDateTime(iso, { hour: '2-digit', minute: '2-digit' }) : '');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
/** 4 January 2026 is a Sunday: the week whose names a weekday is matched against. */
const weekdayName = (iso: string, timeZone?: string) => formatDateTime(iso, { weekday: 'long', ...(timeZone ? { timeZone } : {}) });

/** "по средам" / "on Wednesdays": the weekday of a series' next lesson in the viewer's zone. */
function weekdays(iso: string): string {
  const name = weekdayName(iso);
  const index = WEEKDAYS.findIndex((_, i) => weekdayName(new Date(Date.UTC(2026, 0, 4 + i, 12)).toISOString(), 'UTC') === name);
  return t(`notifications.weekdays.${WEEKDAYS[Math.max(index, 0)]!}`);
}

/** One line for a notification in the viewer's language (the server keeps facts, not wording). */
export function notificationText(n: NotificationDto): string {
  const d = n.data;
  if (d.series && n.kind === 'lesson_moved' && d.startAt) {
    return t('notifications.kind.series_moved', { title: d.title ?? '', weekly: weekdays(d.startAt), time: time(d.startAt), when: when(d.startAt) });
  }
  if (d.series && n.kind === 'lesson_cancelled') {
    const from = d.fromDate ? formatDateTime(`${d.fromDate}T12:00:00Z`, { day: 'numeric', month: 'long', timeZone: 'UTC' }) : '';
    return t('notifications.kind.series_cancelled', { title: d.title ?? '', from });
  }
  return t(`notifications.kind.${n.kind}`, {
    title: d.title ?? '',
    when: when(n.kind.startsWith('homework') ? d.dueAt : d.startAt),
    time: time(d.startAt),
    score: d.score ? `: ${d.score}` : '',
    sender: d.senderName ?? '',
    excerpt: d.excerpt ?? '',
  });
}
