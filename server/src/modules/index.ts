import type { Router } from 'express';
import { rooms } from '@tp/shared';
import type { Infra } from '../infra/container.js';
import type { AppSocket, SocketServer } from '../io.js';
import { healthRoutes } from './health/health.routes.js';
import type { Mailer } from '../infra/mailer.js';
import { JobsService } from './jobs/jobs.service.js';
import { jobsRoutes } from './jobs/jobs.routes.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';
import { usersRoutes } from './users/users.routes.js';
import { AuthRepository } from './auth/auth.repository.js';
import { AuthService } from './auth/auth.service.js';
import { SessionsService } from './auth/sessions.service.js';
import { authRoutes } from './auth/auth.routes.js';
import { oauthRoutes } from './auth/oauth.routes.js';
import { WebhooksService } from './webhooks/webhooks.service.js';
import { webhooksRoutes } from './webhooks/webhooks.routes.js';
import { GroupsService } from './groups/groups.service.js';
import { groupsRoutes } from './groups/groups.routes.js';
import { ScheduleService } from './schedule/schedule.service.js';
import { RecurringRuleService } from './schedule/rules.service.js';
import { scheduleRoutes } from './schedule/schedule.routes.js';
import { AuditService } from './audit/audit.service.js';
import { auditRoutes } from './audit/audit.routes.js';
import { createProviderRegistry } from './meetings/providers/index.js';
import { demoMeetingRoutes } from './meetings/providers/demo/demo.routes.js';
import { PoolService } from './pool/pool.service.js';
import { PoolAdminService } from './pool/pool-admin.service.js';
import { poolLessonRoutes } from './pool/pool.routes.js';
import { poolAdminRoutes } from './pool/pool-admin.routes.js';
import { demoPresenceSocket, poolRooms, poolSocket } from './pool/pool.socket.js';
import { AnalyticsService } from './analytics/analytics.service.js';
import { analyticsRoutes } from './analytics/analytics.routes.js';
import { RecordingsService } from './recordings/recordings.service.js';
import { recordingsRoutes } from './recordings/recordings.routes.js';
import { docsRoutes } from './docs/docs.routes.js';
import { HomeworkService } from './homework/homework.service.js';
import { homeworkRoutes } from './homework/homework.routes.js';
import { ChatService } from './chat/chat.service.js';
import { chatRoutes } from './chat/chat.routes.js';
import { chatSocket } from './chat/chat.socket.js';
import { PresenceService } from './chat/presence.service.js';
import { AttachmentsService } from './chat/attachments.service.js';
import { attachmentRoutes } from './chat/attachments.routes.js';
import { NotificationsService } from './notifications/notifications.service.js';
import { NotificationTriggers } from './notifications/notifications.triggers.js';
import { notificationRoutes } from './notifications/notifications.routes.js';
import { AttendanceService } from './attendance/attendance.service.js';
import { attendanceRoutes } from './attendance/attendance.routes.js';
import { GradebookService } from './gradebook/gradebook.service.js';
import { gradebookRoutes } from './gradebook/gradebook.routes.js';
import { gradebookSocket } from './gradebook/gradebook.socket.js';

/** The services of every module, built once over the shared infrastructure. */
export interface Services {
  /** Every email goes through here (queued with SMTP); the same object as `jobs.mailer`. */
  mailer: Mailer;
  /** The queue, the scheduler for jobs at a moment, the periodic duties. */
  jobs: JobsService;
  users: UsersService;
  auth: AuthService;
  webhooks: WebhooksService;
  groups: GroupsService;
  schedule: ScheduleService;
  recurringRules: RecurringRuleService;
  audit: AuditService;
  pool: PoolService;
  poolAdmin: PoolAdminService;
  analytics: AnalyticsService;
  recordings: RecordingsService;
  homework: HomeworkService;
  chat: ChatService;
  presence: PresenceService;
  attachments: AttachmentsService;
  /** The bell: notices, read marks, preferences, delivery in-app and by email. */
  notifications: NotificationsService;
  /** What the schedule, homework and chat tell the bell; reminders and digests at a moment. */
  notificationTriggers: NotificationTriggers;
  attendance: AttendanceService;
  /** Control points, weights and scale, the live gradebook, its exports and dashboards. */
  gradebook: GradebookService;
}

export interface AppContext {
  infra: Infra;
  services: Services;
}

export function createServices(infra: Infra): Services {
  const jobs = new JobsService(infra);
  const mailer = jobs.mailer;
  const users = new UsersService(new UsersRepository(infra.orm), infra.clock, infra.passwords);
  const authRepo = new AuthRepository(infra.orm);
  const sessions = new SessionsService(authRepo, users, infra);
  users.onSessionsInvalidated((userId) => sessions.endEverywhere(userId), (userId) => sessions.allowAgain(userId));
  infra.tokens.checkRevocation((userId, issuedAtMs) => sessions.cutoffs.isCut(userId, issuedAtMs));
  const auth = new AuthService(authRepo, users, sessions, mailer, infra);
  users.sendResetLinksWith((user) => auth.sendPasswordResetLink(user));
  const audit = new AuditService(infra);
  users.recordAuditIn(audit);
  const webhooks = new WebhooksService(infra, () => pool);
  const groups = new GroupsService(infra, audit);
  const schedule = new ScheduleService(infra, groups, audit);
  groups.onChange((change) => schedule.notifier.groupChanged(change));
  const recurringRules = new RecurringRuleService(infra, groups, schedule);
  groups.guardUnarchive((teacherId, groupId, save) => recurringRules.unarchiveGroup(teacherId, groupId, save));
  users.guardWeekAnchor((userId, anchorDate, save) => recurringRules.changeWeekAnchor(userId, anchorDate, save));
  const pool = new PoolService(infra, createProviderRegistry(infra), audit, () => ({ schedule, groups }));
  const poolAdmin = new PoolAdminService(pool);
  const analytics = new AnalyticsService(infra, () => schedule);
  schedule.setCapacityCheck((startAt, endAt) => analytics.capacityWarning(startAt, endAt));
  const recordings = new RecordingsService(infra, groups);
  webhooks.onRecordingsStored((lessonId, recordingIds) => recordings.announce(lessonId, recordingIds));
  const homework = new HomeworkService(infra, { groups, schedule, scheduler: jobs.scheduler, mailer });
  const chat = new ChatService(infra, groups);
  const presence = new PresenceService(infra, (userId) => chat.people.presenceWatchers(userId));
  chat.readOnlineFrom((userIds) => presence.online(userIds));
  const attachments = new AttachmentsService(infra, (actor, chatId) => chat.get(actor, chatId));
  chat.useAttachments(attachments);
  const notifications = new NotificationsService(infra, mailer);
  const notificationTriggers = new NotificationTriggers(infra, { centre: notifications, schedule, groups, homework, scheduler: jobs.scheduler, online: (userIds) => presence.online(userIds) });
  schedule.onLessonChanged(notificationTriggers.lessonChanged);
  recurringRules.onRuleChanged(notificationTriggers.ruleChanged);
  homework.onPublished((published) => notificationTriggers.homeworkPublished(published));
  homework.onDueMoment((homeworkId, dueAt, studentId) => notificationTriggers.dueMomentSet(homeworkId, dueAt, studentId));
  homework.onGraded((graded) => notificationTriggers.homeworkGraded(graded));
  chat.onMessage((sent) => notificationTriggers.messageSent(sent));
  chat.onRead((read) => notificationTriggers.chatRead(read));
  const attendance = new AttendanceService(infra, { groups, schedule, pool: () => pool });
  webhooks.onParticipant((event) => attendance.recordParticipant(event));
  const gradebook = new GradebookService(infra, { attendance, homework });
  groups.onChange((change) => gradebook.groupChanged(change));
  schedule.onLessonChanged(async ({ before, after }) => {
    if (before) void gradebook.lessonChanged(after.groupId);
  });
  return { mailer, jobs, users, auth, webhooks, groups, schedule, recurringRules, audit, pool, poolAdmin, analytics, recordings, homework, chat, presence, attachments, notifications, notificationTriggers, attendance, gradebook };
}

/** Routers mounted under /api, in order. */
export const moduleRoutes: Array<(ctx: AppContext) => Router> = [healthRoutes, authRoutes, oauthRoutes, usersRoutes, webhooksRoutes, groupsRoutes, scheduleRoutes, poolLessonRoutes, poolAdminRoutes, auditRoutes, demoMeetingRoutes, analyticsRoutes, recordingsRoutes, homeworkRoutes, chatRoutes, jobsRoutes, docsRoutes, attachmentRoutes, notificationRoutes, attendanceRoutes, gradebookRoutes];

/** Socket handlers registered per connection. */
export const moduleSockets: Array<(ctx: AppContext, socket: AppSocket, io: SocketServer) => void> = [poolSocket, demoPresenceSocket, chatSocket, gradebookSocket];

/** Rooms a user's sockets join on connect beyond user/role rooms (groups, teacher, admin pool). */
export const roomProviders: Array<(ctx: AppContext, user: { userId: string; role: string }) => Promise<string[]>> = [
  async ({ services }, user) => (user.role === 'student' ? (await services.groups.groupIdsForStudent(user.userId)).map(rooms.group) : []),
  poolRooms,
];
