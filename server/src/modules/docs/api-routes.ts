import { z } from 'zod';
import * as api from '@tp/shared';
import type { ErrorCode, Role } from '@tp/shared';

/**
 * Every HTTP route under /api with its schemas: the one list the OpenAPI document and the reference
 * page are generated from. A module that adds a route adds a line here (the docs test names any
 * route the app serves that this list lacks). Paths are written as Express registers them.
 */

/** Who may call: nobody in particular, any signed-in user, some roles, the refresh cookie, or Zoom. */
export type Access = 'public' | 'signed-in' | readonly Role[] | 'refresh-cookie' | 'zoom-signature';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiRoute {
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  access: Access;
  /** Cookie-authenticated calls also send the CSRF token (see the reference page). */
  csrf?: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success status; 200 unless given. */
  status?: number;
  /** The success body's schema; without one, `responseNote` says what comes back. */
  response?: z.ZodType;
  responseNote?: string;
  /** Codes this route answers with beyond the ones every route of its kind may give. */
  errors?: ErrorCode[];
}

const teacher = ['teacher'] as const;
const student = ['student'] as const;
const admin = ['admin'] as const;
const ok = z.object({ ok: z.literal(true) });
const authResult = z.object({ accessToken: z.string(), user: api.userDto });
const userPage = z.object({ items: z.array(api.userDto), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

type Extra = Partial<Omit<ApiRoute, 'method' | 'path' | 'tag' | 'summary' | 'access'>>;
const tagged =
  (tag: string) =>
  (method: HttpMethod, path: string, summary: string, access: Access, extra: Extra = {}): ApiRoute => ({ method, path, tag, summary, access, ...extra });

const system = tagged('System');
const auth = tagged('Sign-in');
const users = tagged('Users');
const groups = tagged('Groups');
const schedule = tagged('Schedule');
const lessons = tagged('Lessons and meetings');
const pool = tagged('Meeting pool (admin)');
const homework = tagged('Homework');
const webhooks = tagged('Webhooks');
const jobs = tagged('Background jobs (admin)');
const chats = tagged('Chats');
const notifications = tagged('Notifications');
const attendance = tagged('Attendance');
const gradebook = tagged('Gradebook');

export const API_ROUTES: ApiRoute[] = [
  system('get', '/health', 'Liveness and readiness: database, Redis, lock, background duties and the password-hashing threads', 'public', { responseNote: '200 when ready, 503 with the same body when not' }),
  system('get', '/openapi.json', 'This API as an OpenAPI 3.1 document', 'public', { responseNote: 'The OpenAPI document' }),
  system('get', '/docs', 'This reference as a web page', 'public', { responseNote: 'HTML' }),
  system('get', '/dev/mailbox', 'Development only: the mail the product would have sent (no SMTP configured)', 'public', { responseNote: '{ delivery, messages[] }; 404 in production' }),

  auth('get', '/auth/csrf', 'Sets the CSRF cookie and returns its value for the x-csrf-token header', 'public', { response: z.object({ csrfToken: z.string() }) }),
  auth('post', '/auth/role', 'Role-first sign-in, step 1: remember the chosen role in a signed cookie', 'public', { csrf: true, body: api.chooseRoleBody, response: z.object({ role: api.selfServiceRole }) }),
  auth('post', '/auth/enter', 'Role-first sign-in, step 2: sign in, or create the account with the chosen role', 'public', {
    csrf: true,
    body: api.credentialsBody,
    response: authResult,
    responseNote: '201 when the account was created',
    errors: ['auth/invalid-credentials', 'auth/role-required', 'auth/weak-password', 'rate/limited'],
  }),
  auth('post', '/auth/register', 'Creates an account and signs in', 'public', { body: api.registerBody, status: 201, response: authResult, errors: ['auth/email-taken', 'auth/weak-password'] }),
  auth('post', '/auth/login', 'Signs in with email and password; sets the refresh cookie', 'public', { body: api.credentialsBody, response: authResult, errors: ['auth/invalid-credentials', 'rate/limited'] }),
  auth('post', '/auth/refresh', 'Trades the refresh cookie for a new access token (the cookie rotates)', 'refresh-cookie', { csrf: true, response: authResult }),
  auth('post', '/auth/logout', 'Ends the session of the refresh cookie', 'refresh-cookie', { csrf: true, status: 204, responseNote: 'No content' }),
  auth('post', '/auth/password-reset', 'Mails a reset link if the address has an account (the answer never tells)', 'public', { body: api.passwordResetBody, status: 202, responseNote: '{ ok, message }' }),
  auth('post', '/auth/password-reset/confirm', 'Sets a new password with the link’s token; ends every session', 'public', { body: api.passwordResetConfirmBody, response: ok, errors: ['auth/token-invalid', 'auth/token-expired', 'auth/weak-password'] }),
  auth('post', '/auth/confirm-email', 'Confirms the email address with the link’s token', 'public', { body: api.confirmEmailBody, response: api.userDto, errors: ['auth/token-invalid', 'auth/token-expired'] }),
  auth('post', '/auth/confirm-email/resend', 'Sends the confirmation link again', 'signed-in', { status: 202, response: ok }),
  auth('get', '/auth/providers', 'OAuth providers configured on this server', 'public', { response: z.object({ providers: z.array(z.enum(api.OAUTH_PROVIDERS)) }) }),
  auth('get', '/auth/oauth/:provider', 'Starts an OAuth sign-in (redirects to the provider)', 'public', { params: api.oauthProviderParam, status: 302, responseNote: 'Redirect' }),
  auth('get', '/auth/oauth/:provider/callback', 'Where the provider sends the browser back', 'public', { params: api.oauthProviderParam, query: api.oauthCallbackQuery, status: 302, responseNote: 'Redirect into the app' }),

  users('get', '/auth/me', 'The signed-in user', 'signed-in', { response: api.userDto }),
  users('patch', '/users/me', 'Edits one’s own profile', 'signed-in', { body: api.updateProfileBody, response: api.userDto, errors: ['schedule/conflict'] }),
  users('get', '/admin/users', 'Lists users with search, role filter and paging', admin, { query: api.adminUsersQuery, response: userPage }),
  users('post', '/admin/users', 'Creates a user of any role', admin, { body: api.adminCreateUserBody, status: 201, response: api.userDto, errors: ['auth/email-taken', 'auth/weak-password'] }),
  users('patch', '/admin/users/:id', 'Edits a user: names, email, role, active; deactivation signs them out everywhere at once', admin, {
    params: api.idParam,
    body: api.adminUpdateUserBody,
    response: api.userDto,
    errors: ['user/not-found', 'auth/email-taken'],
  }),
  users('post', '/admin/users/:id/password-reset', 'Mails the user a password reset link', admin, { params: api.idParam, status: 202, response: ok, errors: ['user/not-found', 'user/inactive', 'rate/limited'] }),
  users('get', '/audit', 'The audit log with filters and paging', admin, { query: api.auditQuery, response: z.object({ items: z.array(api.auditEntryDto), total: z.number().int() }) }),

  groups('get', '/groups', 'Groups the user teaches, belongs to, or (admins) all', 'signed-in', { query: api.groupsQuery, response: api.groupsResponseDto }),
  groups('post', '/groups', 'Creates a group', teacher, { body: api.createGroupBody, status: 201, response: api.groupResponseDto }),
  groups('post', '/groups/join', 'Joins a group by its invite code', student, { body: api.joinGroupBody, response: api.groupResponseDto, errors: ['group/invite-invalid'] }),
  groups('get', '/groups/:id', 'A group (with members and invite code for its teacher)', 'signed-in', { params: api.idParam, response: api.groupResponseDto, errors: ['group/not-found'] }),
  groups('patch', '/groups/:id', 'Renames, archives or restores a group', teacher, { params: api.idParam, body: api.updateGroupBody, response: api.groupResponseDto, errors: ['group/not-found', 'schedule/conflict'] }),
  groups('post', '/groups/:id/students', 'Adds a student by email', teacher, { params: api.idParam, body: api.addStudentBody, response: api.groupResponseDto, errors: ['group/not-found', 'group/archived', 'group/student-not-found'] }),
  groups('delete', '/groups/:id/students/:studentId', 'Removes a student', teacher, { params: api.groupStudentParams, response: api.groupResponseDto, errors: ['group/not-found', 'group/student-not-found'] }),
  groups('post', '/groups/:id/invite-code', 'Issues a new invite code (the old one stops working)', teacher, { params: api.idParam, response: api.groupResponseDto, errors: ['group/not-found'] }),

  schedule('get', '/calendar', 'Lessons and series occurrences in a range, as the user may see them', 'signed-in', { query: api.calendarQuery, response: api.calendarResponseDto, errors: ['schedule/range-too-large'] }),
  schedule('post', '/lessons', 'Schedules a one-off lesson', teacher, { body: api.createLessonBody, status: 201, response: api.lessonResponseDto, errors: ['group/not-found', 'group/archived', 'schedule/conflict', 'lesson/invalid-duration'] }),
  schedule('get', '/lessons/:id', 'A lesson or a series occurrence (`rule:{id}:{date}`)', 'signed-in', { params: api.eventIdParam, response: api.lessonResponseDto, errors: ['lesson/not-found'] }),
  schedule('patch', '/lessons/:id', 'Moves, renames, cancels or restores a lesson or one occurrence', teacher, {
    params: api.eventIdParam,
    body: api.updateLessonBody,
    response: api.lessonResponseDto,
    errors: ['lesson/not-found', 'lesson/not-editable', 'schedule/conflict', 'lesson/invalid-duration'],
  }),
  schedule('delete', '/lessons/:id', 'Cancels a lesson or one occurrence', teacher, { params: api.eventIdParam, response: api.lessonResponseDto, errors: ['lesson/not-found', 'lesson/not-editable'] }),
  schedule('post', '/recurring-lessons', 'Creates a weekly series', teacher, { body: api.recurringRuleBody, status: 201, response: api.ruleResponseDto, errors: ['group/not-found', 'schedule/conflict'] }),
  schedule('get', '/recurring-lessons', 'The series the user may see', 'signed-in', { response: api.rulesResponseDto }),
  schedule('get', '/recurring-lessons/:id', 'One series', 'signed-in', { params: api.idParam, response: api.ruleResponseDto, errors: ['rule/not-found'] }),
  schedule('patch', '/recurring-lessons/:id', 'Changes a series (from a date on, or all of it)', teacher, { params: api.idParam, body: api.updateRecurringRuleBody, response: api.ruleResponseDto, errors: ['rule/not-found', 'schedule/conflict'] }),
  schedule('delete', '/recurring-lessons/:id', 'Deletes a series (from a date on, or all of it)', teacher, { params: api.idParam, query: api.deleteRuleQuery, status: 204, responseNote: 'No content', errors: ['rule/not-found'] }),

  lessons('post', '/lessons/:id/start', 'Starts the lesson: takes a room from the pool and creates the meeting (send Idempotency-Key)', teacher, {
    params: api.eventIdParam,
    response: api.meetingDto,
    errors: ['lesson/not-found', 'lesson/not-startable', 'pool/exhausted', 'provider/unavailable', 'rate/limited'],
  }),
  lessons('post', '/lessons/:id/restart', 'Starts a lesson ended by mistake again, while its time lasts', teacher, { params: api.eventIdParam, response: api.meetingDto, errors: ['lesson/not-found', 'lesson/not-startable', 'pool/exhausted', 'provider/unavailable'] }),
  lessons('post', '/lessons/:id/end', 'Ends the live lesson and frees its room', teacher, { params: api.eventIdParam, responseNote: 'The lesson as it is now', errors: ['lesson/not-found', 'lesson/not-live'] }),
  lessons('get', '/lessons/:id/meeting', 'The live lesson’s meeting: join link (host link only for its teacher)', 'signed-in', { params: api.eventIdParam, response: api.meetingDto, errors: ['lesson/not-found', 'lesson/not-live'] }),
  lessons('get', '/lessons/:id/recordings', 'The lesson’s recordings (teacher, the group’s students, admins)', 'signed-in', { params: api.lessonRecordingsParams, response: api.lessonRecordingsDto, errors: ['lesson/not-found'] }),
  lessons('get', '/demo-meetings/:meetingId', 'The built-in demo meeting page’s state', 'public', { params: api.demoMeetingParam, query: api.demoMeetingQuery, response: api.demoMeetingDto, errors: ['lesson/not-found'] }),
  lessons('post', '/demo-meetings/:meetingId/end', 'Ends a demo meeting (its host token)', 'public', { params: api.demoMeetingParam, body: api.endDemoMeetingBody, responseNote: '{ ended }', errors: ['lesson/not-found', 'auth/forbidden'] }),

  pool('get', '/pool/accounts', 'Meeting accounts with their live state', admin, { responseNote: '{ accounts: AccountState[] }' }),
  pool('post', '/pool/accounts', 'Adds a meeting account (credentials are stored encrypted, never returned)', admin, { body: api.createAccountBody, status: 201, responseNote: 'The account state' }),
  pool('patch', '/pool/accounts/:id', 'Changes an account', admin, { params: api.idParam, body: api.updateAccountBody, responseNote: 'The account state', errors: ['pool/account-not-found'] }),
  pool('delete', '/pool/accounts/:id', 'Removes an account (deactivated instead when it has history)', admin, { params: api.idParam, response: api.removeAccountDto, errors: ['pool/account-not-found', 'pool/account-busy'] }),
  pool('post', '/pool/accounts/:id/release', 'Frees a stuck room by hand, with a reason the teacher is told', admin, { params: api.idParam, body: api.releaseAccountBody, responseNote: 'The account state', errors: ['pool/account-not-found'] }),
  pool('get', '/pool/stats', 'Occupancy counters', admin, { response: api.poolStatsDto }),
  pool('get', '/pool/leases', 'Lease history with paging', admin, { query: api.leasesQuery, responseNote: '{ items: Lease[], total }' }),
  pool('get', '/pool/occupancy', 'Occupancy over a range, for the chart', admin, { query: api.occupancyQuery, responseNote: 'Time series' }),
  pool('get', '/pool/heatmap', 'Saturation by weekday and hour', admin, { query: api.heatmapQuery, responseNote: 'Heatmap cells' }),
  pool('get', '/pool/forecast', 'Slots ahead that need more rooms than the pool has', admin, { query: api.forecastQuery.extend({ timezone: api.heatmapQuery.shape.timezone }), responseNote: 'Overloaded slots with their lessons' }),

  homework('post', '/homework/import/gift', 'Imports questions in GIFT format (JSON body, or text/plain with ?homeworkId)', teacher, { query: api.giftImportQuery, body: api.giftImportBody, status: 201, response: api.giftImportResponseDto }),
  homework('get', '/homework', 'Homework the user teaches or was given', 'signed-in', { query: api.homeworkListQuery, response: api.homeworkListResponseDto }),
  homework('post', '/homework', 'Creates homework', teacher, { body: api.createHomeworkBody, status: 201, response: api.homeworkResponseDto }),
  homework('get', '/homework/:id', 'One homework (students never receive answer keys)', 'signed-in', { params: api.idParam, responseNote: 'The homework as the user may see it' }),
  homework('patch', '/homework/:id', 'Changes homework', teacher, { params: api.idParam, body: api.updateHomeworkBody, response: api.homeworkResponseDto }),
  homework('post', '/homework/:id/questions', 'Adds a question', teacher, { params: api.idParam, body: api.questionBody, status: 201, responseNote: '{ question }' }),
  homework('put', '/homework/:id/questions/order', 'Reorders the questions', teacher, { params: api.idParam, body: api.reorderQuestionsBody, responseNote: '{ questions }' }),
  homework('put', '/homework/:id/questions/:questionId', 'Replaces a question', teacher, { params: api.questionParams, body: api.questionBody, responseNote: 'The question' }),
  homework('post', '/homework/:id/questions/:questionId/duplicate', 'Duplicates a question', teacher, { params: api.questionParams, status: 201, responseNote: '{ question }' }),
  homework('delete', '/homework/:id/questions/:questionId', 'Deletes a question', teacher, { params: api.questionParams, status: 204, responseNote: 'No content' }),
  homework('post', '/homework/:id/publish', 'Publishes homework to its group', teacher, { params: api.idParam, response: api.homeworkResponseDto }),
  homework('post', '/homework/:id/close', 'Closes homework to new attempts', teacher, { params: api.idParam, response: api.homeworkResponseDto }),
  homework('post', '/homework/:id/release', 'Releases results to students', teacher, { params: api.idParam, response: api.homeworkResponseDto }),
  homework('get', '/homework/:id/submissions', 'Every student’s row of the submissions table', teacher, { params: api.idParam, response: api.submissionsResponseDto }),
  homework('get', '/homework/:id/students/:studentId/attempts', 'A student’s attempts', teacher, { params: api.overrideParams, responseNote: '{ attempts }' }),
  homework('put', '/homework/:id/overrides/:studentId', 'A per-student deadline or attempt override', teacher, { params: api.overrideParams, body: api.overrideBody, responseNote: '{ row }' }),
  homework('get', '/homework/:id/export/gift', 'Exports the questions in GIFT format', teacher, { params: api.idParam, responseNote: 'text/plain attachment' }),
  homework('post', '/homework/:id/attempts', 'Starts an attempt', student, { params: api.idParam, status: 201, responseNote: '{ attempt }' }),
  homework('put', '/attempts/:id/answers/:questionId', 'Saves an answer (autosave)', student, { params: api.questionParams, body: api.saveAnswerBody, responseNote: 'The saved answer' }),
  homework('post', '/attempts/:id/submit', 'Submits an attempt', student, { params: api.idParam, response: api.submitResultDto }),
  homework('post', '/attempts/:id/grades', 'Grades answers of an attempt', teacher, { params: api.idParam, body: api.gradeAnswerBody, responseNote: '{ attempt }' }),

  chats('get', '/chats', 'The user’s chats with unread counts and last messages, newest activity first', 'signed-in', { response: z.array(api.chatDto) }),
  chats('get', '/presence', 'Who of the people the user shares a group or chat with is online now', 'signed-in', { response: z.object({ online: z.array(z.string()) }) }),
  chats('get', '/chats/contacts', 'People the user may message 1:1, with presence', 'signed-in', { response: z.array(api.chatContactDto) }),
  chats('get', '/chats/search', 'Full-text search (Russian and English) in one chat or all of the user’s chats', 'signed-in', { query: api.chatSearchQuery, response: z.array(api.chatSearchHitDto), errors: ['chat/not-found'] }),
  chats('post', '/chats/direct', 'Opens (or finds) the 1:1 chat with someone the user may message', 'signed-in', { body: api.openDirectChatBody, response: api.chatDto, errors: ['chat/not-allowed'] }),
  chats('get', '/chats/:id', 'One chat of the user', 'signed-in', { params: api.chatParams, response: api.chatDto, errors: ['chat/not-found'] }),
  chats('get', '/chats/:id/messages', 'History by seq: the newest page, `before` pages back, `after` catches up, `around` is the page with that message in its middle', 'signed-in', { params: api.chatParams, query: api.chatHistoryQuery, response: api.chatHistoryDto, errors: ['chat/not-found'] }),
  chats('patch', '/chats/:id/messages/:messageId', 'Edits one’s own message', 'signed-in', { params: api.chatMessageParams, body: api.editMessageBody, response: api.chatMessageDto, errors: ['chat/not-found', 'chat/read-only', 'message/not-found'] }),
  chats('delete', '/chats/:id/messages/:messageId', 'Deletes one’s own message (the group’s teacher: any in the group chat)', 'signed-in', { params: api.chatMessageParams, response: api.chatMessageDto, errors: ['chat/not-found', 'message/not-found'] }),
  chats('post', '/chats/:id/read', 'Moves the user’s read position forward', 'signed-in', { params: api.chatParams, body: api.chatReadPayload.omit({ chatId: true }), response: z.object({ seq: z.number().int(), unread: z.number().int() }), errors: ['chat/not-found'] }),
  chats('post', '/attachments', 'Uploads one file (multipart field `file`, ≤ 20 MB) into a chat; its type is sniffed from the content', 'signed-in', { query: api.uploadAttachmentQuery, status: 201, response: api.attachmentDto, errors: ['chat/not-found', 'attachment/refused', 'request/too-large'] }),
  chats('get', '/attachments/:id/link', 'A signed link to a file, for members of its chat; it expires', 'signed-in', { params: api.attachmentParams, response: api.attachmentLinkDto, errors: ['attachment/not-found'] }),
  chats('get', '/files/:token', 'The file behind a signed link (images and PDF inline, others as downloads)', 'public', { params: api.fileTokenParams, responseNote: 'The file', errors: ['attachment/not-found'] }),
  chats('get', '/groups/:id/chat', 'The group’s chat (its teacher and students)', 'signed-in', { params: api.groupChatSettingsParams, response: api.chatDto, errors: ['group/not-found'] }),
  chats('get', '/groups/:id/chat-settings', 'Whether the group’s students may message each other 1:1', 'signed-in', { params: api.groupChatSettingsParams, response: api.groupChatSettingsBody, errors: ['group/not-found'] }),
  chats('put', '/groups/:id/chat-settings', 'The group’s teacher allows or forbids 1:1 chats between its students', teacher, { params: api.groupChatSettingsParams, body: api.groupChatSettingsBody, response: api.groupChatSettingsBody, errors: ['group/not-found'] }),

  attendance('get', '/lessons/:id/attendance', 'A lesson’s marking view: roster, marks, settings, suggestions from the meeting, unmatched participants (its teacher; admins read)', 'signed-in', { params: api.lessonAttendanceParams, response: api.lessonAttendanceDto, errors: ['lesson/not-found'] }),
  attendance('put', '/lessons/:id/attendance', 'Saves marks (all or none); an occurrence is stored on its first mark', teacher, { params: api.lessonAttendanceParams, body: api.putAttendanceBody, response: api.lessonAttendanceDto, errors: ['lesson/not-found', 'lesson/not-editable', 'schedule/conflict'] }),
  attendance('put', '/lessons/:id/attendance/participants', 'Says which student an unmatched meeting participant was (null: nobody)', teacher, { params: api.lessonAttendanceParams, body: api.assignParticipantBody, response: api.lessonAttendanceDto, errors: ['lesson/not-found', 'request/not-found'] }),
  attendance('get', '/groups/:id/attendance-settings', 'Points per status, the maximum and the lateness threshold of a group', 'signed-in', { params: api.idParam, response: api.attendanceSettingsBody, errors: ['group/not-found'] }),
  attendance('put', '/groups/:id/attendance-settings', 'The group’s teacher changes points per status and the lateness threshold', teacher, { params: api.idParam, body: api.attendanceSettingsBody, response: api.attendanceSettingsBody, errors: ['group/not-found'] }),
  attendance('get', '/me/attendance', 'A student’s own attendance in one of their groups', student, { query: api.myAttendanceQuery, response: api.myAttendanceDto, errors: ['group/not-found'] }),

  notifications('get', '/notifications', 'The user’s notifications, newest first (`before` = the last id seen), with the unread count', 'signed-in', { query: api.notificationListQuery, response: api.notificationPageDto }),
  notifications('post', '/notifications/read-all', 'Marks every notification of the user read', 'signed-in', { response: z.object({ unread: z.number().int() }) }),
  notifications('post', '/notifications/:id/read', 'Marks one notification read', 'signed-in', { params: api.notificationParams, response: z.object({ unread: z.number().int() }), errors: ['notification/not-found'] }),
  notifications('get', '/me/notification-preferences', 'In-app and email switches for every kind of notification', 'signed-in', { response: api.notificationPreferencesDto }),
  notifications('put', '/me/notification-preferences', 'Changes some switches; answers the whole table', 'signed-in', { body: api.notificationPreferencesBody, response: api.notificationPreferencesDto }),

  gradebook('get', '/groups/:id/control-points', 'The group’s control points (teacher of the group, admins)', ['teacher', 'admin'], { params: api.idParam, response: z.object({ controlPoints: z.array(api.controlPointDto) }), errors: ['group/not-found'] }),
  gradebook('post', '/groups/:id/control-points', 'Adds a control point (exam, test, essay, oral) with its maximum and weight', teacher, { params: api.idParam, body: api.createControlPointBody, status: 201, response: z.object({ controlPoint: api.controlPointDto }), errors: ['group/not-found', 'lesson/not-found'] }),
  gradebook('patch', '/control-points/:id', 'Changes a control point (its maximum never below a score given)', teacher, { params: api.idParam, body: api.updateControlPointBody, response: z.object({ controlPoint: api.controlPointDto }), errors: ['control-point/not-found', 'lesson/not-found'] }),
  gradebook('delete', '/control-points/:id', 'Deletes a control point and its scores', teacher, { params: api.idParam, status: 204, responseNote: 'No content', errors: ['control-point/not-found'] }),
  gradebook('get', '/control-points/:id/scores', 'A control point with every score of the group’s students', ['teacher', 'admin'], { params: api.idParam, response: api.controlPointScoresDto, errors: ['control-point/not-found'] }),
  gradebook('put', '/control-points/:id/scores', 'Saves scores (0..max, null clears, excused leaves out); any refusal saves nothing', teacher, { params: api.idParam, body: api.putScoresBody, response: api.controlPointScoresDto, errors: ['control-point/not-found', 'group/student-not-found'] }),
  gradebook('get', '/groups/:id/gradebook-settings', 'Category weights and the mark scale of a group', ['teacher', 'admin'], { params: api.idParam, response: api.gradebookSettingsDto, errors: ['group/not-found'] }),
  gradebook('put', '/groups/:id/gradebook-settings', 'Changes category weights (non-negative) and the mark scale (null: no marks)', teacher, { params: api.idParam, body: api.gradebookSettingsBody, response: api.gradebookSettingsDto, errors: ['group/not-found'] }),
  gradebook('get', '/groups/:id/gradebook', 'The gradebook: the whole table for its teacher and admins, a student’s own row with the group averages', 'signed-in', { params: api.idParam, response: api.gradebookDto, errors: ['group/not-found'] }),
  gradebook('get', '/groups/:id/gradebook/export', 'The table as CSV (UTF-8 with BOM) or XLSX, named after the group and date', ['teacher', 'admin'], { params: api.idParam, query: api.exportQuery, responseNote: 'text/csv or XLSX attachment', errors: ['group/not-found'] }),
  gradebook('get', '/groups/:id/gradebook/dashboard', 'Distribution of totals and students at risk, each with the reasons', ['teacher', 'admin'], { params: api.idParam, query: api.dashboardQuery, response: api.gradebookDashboardDto, errors: ['group/not-found'] }),
  gradebook('get', '/groups/:id/gradebook/students/:studentId/progress', 'A student’s total over time against the group average, per category, and rank (the teacher, admins or that student)', 'signed-in', { params: api.progressParams, response: api.studentProgressDto, errors: ['group/not-found', 'group/student-not-found'] }),
  gradebook('get', '/me/grades', 'A student’s groups, or with groupId their own gradebook row and the group averages', student, { query: api.myGradesQuery, responseNote: '{ groups } without groupId, else the gradebook with one row', errors: ['group/not-found'] }),

  notifications('get', '/notifications', 'The user’s notifications, newest first (`before` = the last id seen), with the unread count', 'signed-in', { query: api.notificationListQuery, response: api.notificationPageDto }),
  notifications('post', '/notifications/read-all', 'Marks every notification of the user read', 'signed-in', { response: z.object({ unread: z.number().int() }) }),
  notifications('post', '/notifications/:id/read', 'Marks one notification read', 'signed-in', { params: api.notificationParams, response: z.object({ unread: z.number().int() }), errors: ['notification/not-found'] }),
  notifications('get', '/me/notification-preferences', 'In-app and email switches for every kind of notification', 'signed-in', { response: api.notificationPreferencesDto }),
  notifications('put', '/me/notification-preferences', 'Changes some switches; answers the whole table', 'signed-in', { body: api.notificationPreferencesBody, response: api.notificationPreferencesDto }),

  jobs('get', '/admin/jobs', 'The background queue: counts by state, failed jobs with their errors, periodic duties', admin, { responseNote: 'The queue overview' }),
  jobs('post', '/admin/jobs/:id/retry', 'Runs a failed job again', admin, { params: api.idParam, status: 202, response: ok, errors: ['job/not-found'] }),

  webhooks('post', '/webhooks/zoom', 'Zoom events: meeting started/ended, recording completed (signed by Zoom)', 'zoom-signature', { body: api.zoomWebhookEnvelope, responseNote: '{ received, outcome } or the URL validation answer', errors: ['webhook/invalid-signature'] }),
];
