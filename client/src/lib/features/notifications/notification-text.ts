import type { NotificationDto, NotificationKind } from '@tp/shared';
import { formatDateTime, t } from '$lib/i18n/i18n.svelte.js';

/** Every kind, in the order the settings table lists them. */
export const NOTIFICATION_KIND_ORDER: readonly NotificationKind[] = [
  'lesson_starting',
  'lesson_moved',
  'lesson_cancelled',
  'homework_assigned',
  'homework_graded',
  'homework_due',
  'chat_direct',
  'chat_mention',
];

const when = (iso?: string) => (iso ? formatDateTime(iso, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '');

/** One line for a notification in the viewer's language (the server keeps facts, not wording). */
export function notificationText(n: NotificationDto): string {
  const d = n.data;
  return t(`notifications.kind.${n.kind}`, {
    title: d.title ?? '',
    when: when(n.kind.startsWith('homework') ? d.dueAt : d.startAt),
    score: d.score ? `: ${d.score}` : '',
    sender: d.senderName ?? '',
    excerpt: d.excerpt ?? '',
  });
}
