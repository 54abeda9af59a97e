import type { NotificationDto } from '@tp/shared';
import type { NotificationRow } from './notifications.repository.js';

export function presentNotification(row: NotificationRow): NotificationDto {
  return { id: row.id, kind: row.kind, data: row.data, link: row.link, createdAt: row.createdAt.toISOString(), read: row.readAt !== null };
}
