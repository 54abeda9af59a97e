import { z } from 'zod';
import * as api from '@tp/shared';
import type { ClientToServerEvents, ServerToClientEvents } from '@tp/shared';

export interface SocketEventDoc {
  name: string;
  direction: 'server→client' | 'client→server';
  /** Who receives it (server events) or who may send it (client events). */
  audience: string;
  description: string;
  payload?: z.ZodType;
  /** What the acknowledgement callback gets on success (`{ ok: true, data }`; failures are `{ ok: false, error }`). */
  ack?: z.ZodType;
}

const meta = z.object({ room: z.string(), seq: z.number().int() }).describe('The room and its sequence number: a gap means a missed event, so reload the snapshot.');
const roomEvent = <T extends z.ZodRawShape>(shape: T) => z.object({ meta, ...shape });
const lessonRef = { lessonId: z.string(), groupId: z.string(), teacherId: z.string() };
const submission = roomEvent({ homeworkId: z.string(), row: api.submissionRowDto });
const poolState = { accounts: z.array(api.accountStateDto), stats: api.poolStatsDto };
const gradebookPatch = z.object({ columns: z.record(z.string(), z.number().nullable()), categories: z.record(z.string(), z.number().nullable()), total: z.number().nullable() });

type Doc = Omit<SocketEventDoc, 'name' | 'direction'>;

/*
 * Keyed by the event maps' names. An event added to shared/src/socket/events.ts is described here too:
 * the docs test reads the event maps and names any event this list lacks.
 */
const serverEvents: Partial<Record<keyof ServerToClientEvents, Doc>> = {
  'session:ready': { audience: 'the connecting socket', description: 'The connection is authenticated and has joined its rooms.', payload: z.object({ userId: z.string(), role: api.role }) },
  'session:expired': { audience: 'the user’s sockets', description: 'The access token ran out without a refresh, or an admin deactivated the account; the server then disconnects.', payload: z.object({ reason: z.string() }) },
  'calendar:changed': { audience: 'the teacher, the group’s students, admins', description: 'Lessons created or changed, and ids that disappeared.', payload: roomEvent({ events: z.array(api.calendarEventDto), removedIds: z.array(z.string()) }) },
  'lesson:live': { audience: 'the teacher and the group’s students', description: 'The lesson started: the join link is ready.', payload: roomEvent({ ...lessonRef, meetingId: z.string(), joinUrl: z.string(), password: z.string().nullable(), startedAt: z.string() }) },
  'lesson:ended': { audience: 'the teacher and the group’s students', description: 'The lesson ended.', payload: roomEvent({ ...lessonRef, endedAt: z.string() }) },
  'lesson:released': { audience: 'the lesson’s teacher', description: 'An admin freed the lesson’s room by hand: who and why.', payload: roomEvent({ lessonId: z.string(), lessonTitle: z.string(), groupName: z.string(), releasedBy: z.object({ id: z.string(), name: z.string() }), reason: z.string(), at: z.string() }) },
  'meeting:joined': { audience: 'the teacher and the group’s students', description: 'Who is in the demo meeting now.', payload: roomEvent({ lessonId: z.string(), meetingId: z.string(), participants: z.array(api.demoParticipantDto) }) },
  'recording:added': { audience: 'the teacher, the group’s students, admins', description: 'Recordings of a lesson arrived from the provider.', payload: roomEvent({ lessonId: z.string(), groupId: z.string(), recordings: z.array(api.recordingDto) }) },
  'attendance:changed': { audience: 'the marked students (marks), the group (settings), the lesson’s teacher (meeting participants)', description: 'Attendance changed; the view re-reads what its reader may see (no marks in the event).', payload: roomEvent({ groupId: z.string(), lessonId: z.string().nullable(), reason: z.enum(['marks', 'settings', 'participants']) }) },
  'homework:published': { audience: 'the group’s students', description: 'Homework was published (never carries answer keys).', payload: roomEvent({ homework: api.studentHomeworkDto }) },
  'homework:submitted': { audience: 'the teacher', description: 'A student submitted an attempt; the row is complete.', payload: submission },
  'homework:attempt-updated': { audience: 'the teacher', description: 'A student’s row changed (start, autosave, grade, override, missed).', payload: submission },
  'homework:graded': { audience: 'the student', description: 'The student’s attempt was graded or regraded.', payload: roomEvent({ homeworkId: z.string(), attempt: api.attemptDto, homework: api.studentHomeworkDto }) },
  'pool:changed': { audience: 'admins with the pool open', description: 'Accounts whose state changed, at most 10 updates a second.', payload: roomEvent(poolState) },
  'pool:snapshot': { audience: 'admins with the pool open', description: 'The whole pool, after connecting or a pool:sync.', payload: roomEvent({ ...poolState, at: z.string() }) },
  'chat:message': { audience: 'every member of the chat (their user rooms)', description: 'A message as it is now: new, edited or deleted. `message.seq` numbers the chat’s messages; a gap after the last one seen means fetch `?after=`.', payload: z.object({ chatId: z.string(), message: api.chatMessageDto }) },
  'chat:read': { audience: 'the reader’s sockets (with `unread`) and the other person of a 1:1 chat', description: 'A member’s read position moved.', payload: z.object({ chatId: z.string(), userId: z.string(), seq: z.number().int(), unread: z.number().int().optional() }) },
  'chat:typing': { audience: 'the other members of the chat', description: 'Someone is typing (at most every 2 s per sender and chat).', payload: z.object({ chatId: z.string(), userId: z.string(), name: z.string() }) },
  'presence:changed': { audience: 'people who share a group or a chat with the user', description: 'The user came online or went offline (debounced; a crashed node’s users go offline when their heartbeat expires).', payload: z.object({ userId: z.string(), online: z.boolean() }) },
  'notification:new': { audience: 'the user’s sockets (every tab, every node)', description: 'A new notification for the bell, with the unread count after it.', payload: roomEvent({ notification: api.notificationDto, unread: z.number().int() }) },
  'notification:read': { audience: 'the user’s sockets', description: 'Notifications were marked read on some tab (`all`: every one); the unread count after it.', payload: roomEvent({ ids: z.array(z.string()), all: z.boolean(), unread: z.number().int() }) },
  'gradebook:cell': { audience: 'the gradebook’s teacher and admins watching it, and the student whose cell it is', description: 'One cell changed: the cell, the student’s category percentages, total and mark, and the averages it moved.', payload: roomEvent({ groupId: z.string(), studentId: z.string(), columnId: z.string(), columnIndex: z.number().int().optional(), cell: api.gradebookCellDto.nullable(), row: z.object({ categories: z.record(z.string(), z.number().nullable()), total: z.number().nullable(), mark: z.string().nullable() }), averages: gradebookPatch }) },
  'gradebook:row': { audience: 'the gradebook’s watchers (a student only ever gets their own row)', description: 'Whole rows added or changed, students who left, and the averages.', payload: roomEvent({ groupId: z.string(), rows: z.array(api.gradebookRowDto), removedStudentIds: z.array(z.string()), averages: gradebookPatch }) },
  'gradebook:column': { audience: 'the gradebook’s watchers (a student only ever gets their own row)', description: 'Columns or settings changed: every column in order, every row recomputed, categories, scale and all averages.', payload: roomEvent({ groupId: z.string(), columns: z.array(api.gradebookColumnDto), removedColumnIds: z.array(z.string()), order: z.array(z.string()), rows: z.array(api.gradebookRowDto), categories: z.array(api.gradebookCategoryDto), scale: z.array(api.markScaleStep).nullable(), averages: gradebookPatch }) },
};

const clientEvents: Partial<Record<keyof ClientToServerEvents, Doc>> = {
  'session:refresh': { audience: 'any signed-in socket', description: 'Hands the connection a refreshed access token without reconnecting.', payload: api.sessionRefreshPayload, ack: z.object({ expiresAt: z.string() }) },
  'pool:sync': { audience: 'admins', description: 'Asks for a fresh pool snapshot (after a sequence gap).', payload: z.object({}), ack: roomEvent({ ...poolState, at: z.string() }) },
  'chat:send': { audience: 'members who may write in the chat', description: 'Sends a message; a retry with the same clientId answers with the first message’s ack and stores nothing new.', payload: api.chatSendPayload, ack: api.sendAckDto },
  'chat:edit': { audience: 'the message’s sender', description: 'Changes one’s own message.', payload: api.chatEditPayload, ack: api.chatMessageDto },
  'chat:delete': { audience: 'the message’s sender; the group’s teacher for any message in the group chat', description: 'Deletes a message (its text is erased).', payload: api.chatDeletePayload, ack: api.chatMessageDto },
  'chat:read': { audience: 'members', description: 'The member saw the chat up to `seq`.', payload: api.chatReadPayload, ack: z.object({ seq: z.number().int(), unread: z.number().int() }) },
  'chat:typing': { audience: 'members', description: 'The member is typing.', payload: api.chatTypingPayload },
  'gradebook:watch': { audience: 'the group’s teacher, admins, and its students', description: 'Opens a gradebook: the ack carries the snapshot (a student’s: their own row) with its seq, and the socket joins the table’s room or the student’s own.', payload: api.gradebookWatchPayload, ack: api.gradebookDto },
  'gradebook:unwatch': { audience: 'anyone watching a gradebook', description: 'Stops the live updates of a gradebook.', payload: api.gradebookWatchPayload, ack: z.object({ groupId: z.string() }) },
  'meeting:enter': { audience: 'the demo meeting page of a lesson’s teacher or student', description: 'The page is open on this socket: a stay in the meeting starts (attendance counts its minutes) and lasts until meeting:leave or the socket disconnects.', payload: api.demoMeetingPresencePayload, ack: z.object({ counted: z.boolean() }) },
  'meeting:leave': { audience: 'the demo meeting page', description: 'The page is being closed: the stay ends now.', payload: api.demoMeetingPresencePayload, ack: z.object({ counted: z.boolean() }) },
};

export const SOCKET_EVENTS: SocketEventDoc[] = [
  ...Object.entries(serverEvents).map(([name, doc]) => ({ name, direction: 'server→client' as const, ...doc! })),
  ...Object.entries(clientEvents).map(([name, doc]) => ({ name, direction: 'client→server' as const, ...doc! })),
];
