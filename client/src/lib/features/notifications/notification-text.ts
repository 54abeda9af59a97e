import type { NotificationDto } from '@tp/shared';
import { formatDateTime, t } from '$lib/i18n/i18n.svelte.js';

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
