import type { NotificationPageDto, NotificationPreferencesBody, NotificationPreferencesDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

/** The bell's endpoints. */
export const notificationsApi = {
  page: (before?: string, limit = 20) => http.get<NotificationPageDto>('/api/notifications', { before, limit }),
  markRead: (id: string) => http.post<{ unread: number }>(`/api/notifications/${id}/read`),
  markAllRead: () => http.post<{ unread: number }>('/api/notifications/read-all'),
  preferences: () => http.get<NotificationPreferencesDto>('/api/me/notification-preferences'),
  savePreferences: (body: NotificationPreferencesBody) => http.put<NotificationPreferencesDto>('/api/me/notification-preferences', body),
};
