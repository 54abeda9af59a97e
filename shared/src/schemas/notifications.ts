import { z } from 'zod';
import { NOTIFICATION_KINDS, WEEK_TYPES } from '../constants.js';
import { uuid } from './common.js';

/** Each kind has an in-app and an email switch. */
export const notificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKind>;

/** Everything in-app; email for everything but the 15-minute reminder (the bell is enough for that). */
export const DEFAULT_NOTIFICATION_PREFERENCES: Record<NotificationKind, { inApp: boolean; email: boolean }> = {
  lesson_starting: { inApp: true, email: false },
  lesson_moved: { inApp: true, email: true },
  lesson_cancelled: { inApp: true, email: true },
  homework_assigned: { inApp: true, email: true },
  homework_graded: { inApp: true, email: true },
  homework_due: { inApp: true, email: true },
  chat_direct: { inApp: true, email: true },
  chat_mention: { inApp: true, email: true },
};

/**
 * What the notification is about, enough for either language to word it: the lesson or homework
 * title, the group, the moment, the sender and the start of the message.
 */
export const notificationDataDto = z.object({
  title: z.string().optional(),
  groupName: z.string().optional(),
  startAt: z.string().optional(),
  previousStartAt: z.string().optional(),
  dueAt: z.string().optional(),
  senderName: z.string().optional(),
  excerpt: z.string().optional(),
  score: z.string().optional(),
  /** A recurring series changed (one notice for all its future lessons); `startAt` is its next lesson. */
  series: z.boolean().optional(),
  /** The series' lessons change or are cancelled from this local date (YYYY-MM-DD). */
  fromDate: z.string().optional(),
  /** The moved series keeps to upper or lower weeks only. */
  weekType: z.enum(WEEK_TYPES).optional(),
});
export type NotificationData = z.infer<typeof notificationDataDto>;

export const notificationDto = z.object({
  id: uuid,
  kind: notificationKind,
  data: notificationDataDto,
  /** Where a click goes, inside the app (`/app/...`). */
  link: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
export type NotificationDto = z.infer<typeof notificationDto>;

export const notificationPageDto = z.object({
  items: z.array(notificationDto),
  unread: z.number().int(),
  hasMore: z.boolean(),
});
export type NotificationPageDto = z.infer<typeof notificationPageDto>;

/** `GET /api/notifications?before=&limit=`: newest first; `before` is the id of the last one seen. */
export const notificationListQuery = z.strictObject({
  before: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const notificationParams = z.strictObject({ id: uuid });

export const notificationPreference = z.strictObject({ inApp: z.boolean(), email: z.boolean() });
/** `GET/PUT /api/me/notification-preferences`: every kind with both switches (a PUT may name only some). */
export const notificationPreferencesDto = z.record(notificationKind, notificationPreference);
export type NotificationPreferencesDto = Record<NotificationKind, { inApp: boolean; email: boolean }>;
export const notificationPreferencesBody = z.strictObject(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, notificationPreference.optional()])) as Record<NotificationKind, z.ZodOptional<typeof notificationPreference>>,
);
export type NotificationPreferencesBody = z.infer<typeof notificationPreferencesBody>;

/** The unread count after a change, to every tab of the user. */
export const notificationReadDto = z.object({ ids: z.array(uuid), all: z.boolean(), unread: z.number().int() });
export type NotificationReadDto = z.infer<typeof notificationReadDto>;
