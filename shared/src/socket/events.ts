import { z } from 'zod';
import { text } from '../schemas/common.js';
import type { ErrorCode } from '../errors.js';
import type { Role } from '../schemas/auth.js';
import type { CalendarEventDto } from '../schemas/schedule.js';
import type { RecordingDto } from '../schemas/recordings.js';
import type { AccountStateDto, DemoMeetingPresencePayload, DemoParticipantDto, PoolStatsDto } from '../schemas/pool.js';
import type { AttemptDto, StudentHomeworkDto, SubmissionRowDto } from '../schemas/homework.js';
import type { ChatMessageDto, ChatSendPayload, SendAckDto } from '../schemas/chat.js';
import type { GradebookAveragesPatch, GradebookCell, GradebookColumn, GradebookDto, GradebookRow, GradebookWatchPayload } from '../schemas/gradebook.js';
import type { CategoryPercents, ScaleStep } from '../gradebook/calc.js';
import type { NotificationDto } from '../schemas/notifications.js';

/** Every room-scoped event carries the room and its sequence number so a client can spot gaps. */
export interface EventMeta {
  room: string;
  seq: number;
}

export interface CalendarChangedPayload {
  meta?: EventMeta;
  /** Events as they are now (created or changed). */
  events: CalendarEventDto[];
  /** Ids of events that disappeared (deleted, moved out of a series). */
  removedIds: string[];
}
export interface LessonLivePayload {
  meta?: EventMeta;
  lessonId: string;
  groupId: string;
  teacherId: string;
  meetingId: string;
  joinUrl: string;
  password: string | null;
  startedAt: string;
}
export interface LessonEndedPayload {
  meta?: EventMeta;
  lessonId: string;
  groupId: string;
  teacherId: string;
  endedAt: string;
}
/** An admin released the lesson's room by hand: its teacher is told who did it and why. */
export interface LessonReleasedPayload {
  meta?: EventMeta;
  lessonId: string;
  lessonTitle: string;
  groupName: string;
  releasedBy: { id: string; name: string };
  reason: string;
  at: string;
}
/**
 * Attendance changed: marks of a lesson (to each marked student), a group's points (to the group), or
 * who was in a lesson's meeting (to its teacher). Carries no marks; the view re-reads what it may see.
 */
export interface AttendanceChangedPayload {
  meta?: EventMeta;
  groupId: string;
  lessonId: string | null;
  reason: 'marks' | 'settings' | 'participants';
}
/** Who is in a demo meeting now that someone opened its page (sent to the lesson's group and teacher). */
export interface MeetingJoinedPayload {
  meta?: EventMeta;
  lessonId: string;
  meetingId: string;
  participants: DemoParticipantDto[];
}
/** Recordings of a lesson that just arrived from the provider (to its teacher, its group and admins). */
export interface RecordingAddedPayload {
  meta?: EventMeta;
  lessonId: string;
  groupId: string;
  recordings: RecordingDto[];
}
/** A homework was published to a group (to the group's room); never carries a key. */
export interface HomeworkPublishedPayload {
  meta?: EventMeta;
  homework: StudentHomeworkDto;
}
/**
 * A student's row of a submissions table changed (to the teacher's room): `homework:submitted` when an
 * attempt was submitted, `homework:attempt-updated` for starts, autosaves, grades, regrades, overrides
 * and missed work. The row is complete, so the table updates without a refetch.
 */
export interface HomeworkSubmissionPayload {
  meta?: EventMeta;
  homeworkId: string;
  row: SubmissionRowDto;
}
/** A student's attempt was graded or regraded (to that student only); results only when visible. */
export interface HomeworkGradedPayload {
  meta?: EventMeta;
  homeworkId: string;
  attempt: AttemptDto;
  homework: StudentHomeworkDto;
}
/** The accounts that changed since the last update (latest state of each), sent at most 10 times a second. */
export interface PoolChangedPayload {
  meta?: EventMeta;
  accounts: AccountStateDto[];
  stats: PoolStatsDto;
}
export interface PoolSnapshotPayload {
  meta?: EventMeta;
  accounts: AccountStateDto[];
  stats: PoolStatsDto;
  at: string;
}

/**
 * A message as it is now (new, edited or deleted), to every member's user room. `message.seq` is the
 * chat's own order: a client that sees a gap after its last seq fetches what it missed.
 */
export interface ChatMessagePayload {
  meta?: EventMeta;
  chatId: string;
  message: ChatMessageDto;
}
/** A member's read position moved; `unread` only reaches the reader's own sockets. */
export interface ChatReadPayload {
  meta?: EventMeta;
  chatId: string;
  userId: string;
  seq: number;
  unread?: number;
}
export interface ChatTypingPayload {
  meta?: EventMeta;
  chatId: string;
  userId: string;
  name: string;
}
/** Someone the receiver shares a chat with came online or went offline. */
export interface PresenceChangedPayload {
  meta?: EventMeta;
  userId: string;
  online: boolean;
}

/** A new notification for the user (to their user room), with their unread count after it. */
export interface NotificationNewPayload {
  meta?: EventMeta;
  notification: NotificationDto;
  unread: number;
}
/** Notifications were marked read (`all`: every one) on some tab; the unread count after it. */
export interface NotificationReadPayload {
  meta?: EventMeta;
  ids: string[];
  all: boolean;
  unread: number;
}

/**
 * One gradebook cell changed (to `gradebook:<groupId>` and to the student's own
 * `gradebook:<groupId>:<studentId>`): the cell, the student's new totals and the group's new averages.
 * `cell: null` = the cell was cleared. `columnIndex` is the column's place in the sender's table;
 * look the column up by `columnId` when it does not match.
 */
export interface GradebookCellPayload {
  meta?: EventMeta;
  groupId: string;
  studentId: string;
  columnId: string;
  columnIndex?: number;
  cell: GradebookCell | null;
  row: { categories: CategoryPercents; total: number | null; mark: string | null };
  averages: GradebookAveragesPatch;
}
/**
 * Whole rows added or changed (a student joined, several cells of one student changed at once) and
 * students who left. A student's own room only ever gets that student's row.
 */
export interface GradebookRowPayload {
  meta?: EventMeta;
  groupId: string;
  rows: GradebookRow[];
  removedStudentIds: string[];
  averages: GradebookAveragesPatch;
}
/**
 * The columns or settings changed (a column added, edited or removed; weights or scale changed): the
 * whole new column list in table order (`columns`), what disappeared (`removedColumnIds`, may be empty
 * when unknown — `order` is authoritative), every row recomputed (a student's room: only their own),
 * `categories` and `scale`, and every column's average. Apply it by replacing the table's columns and rows.
 */
export interface GradebookColumnPayload {
  meta?: EventMeta;
  groupId: string;
  columns: GradebookColumn[];
  removedColumnIds: string[];
  order: string[];
  rows: GradebookRow[];
  categories: GradebookDto['categories'];
  scale: ScaleStep[] | null;
  averages: GradebookAveragesPatch;
}

export type Ack<T> = (result: { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } }) => void;

export interface ServerToClientEvents {
  'session:ready': (payload: { userId: string; role: Role }) => void;
  'session:expired': (payload: { reason: string }) => void;
  'calendar:changed': (payload: CalendarChangedPayload) => void;
  'lesson:live': (payload: LessonLivePayload) => void;
  'lesson:ended': (payload: LessonEndedPayload) => void;
  'lesson:released': (payload: LessonReleasedPayload) => void;
  'meeting:joined': (payload: MeetingJoinedPayload) => void;
  'recording:added': (payload: RecordingAddedPayload) => void;
  'attendance:changed': (payload: AttendanceChangedPayload) => void;
  'homework:published': (payload: HomeworkPublishedPayload) => void;
  'homework:submitted': (payload: HomeworkSubmissionPayload) => void;
  'homework:attempt-updated': (payload: HomeworkSubmissionPayload) => void;
  'homework:graded': (payload: HomeworkGradedPayload) => void;
  'pool:changed': (payload: PoolChangedPayload) => void;
  'pool:snapshot': (payload: PoolSnapshotPayload) => void;
  'chat:message': (payload: ChatMessagePayload) => void;
  'chat:read': (payload: ChatReadPayload) => void;
  'chat:typing': (payload: ChatTypingPayload) => void;
  'presence:changed': (payload: PresenceChangedPayload) => void;
  'gradebook:cell': (payload: GradebookCellPayload) => void;
  'gradebook:row': (payload: GradebookRowPayload) => void;
  'gradebook:column': (payload: GradebookColumnPayload) => void;
  'notification:new': (payload: NotificationNewPayload) => void;
  'notification:read': (payload: NotificationReadPayload) => void;
}

export const sessionRefreshPayload = z.strictObject({ accessToken: text(4096, { min: 10, trim: false }) });
export const roomSyncPayload = z.strictObject({ room: text(100, { trim: false }) });

export interface ClientToServerEvents {
  /** Swap the connection's access token after a refresh, without reconnecting. */
  'session:refresh': (payload: z.infer<typeof sessionRefreshPayload>, ack: Ack<{ expiresAt: string }>) => void;
  /** Admins: ask for a fresh pool snapshot (after a gap). */
  'pool:sync': (payload: Record<string, never>, ack: Ack<PoolSnapshotPayload>) => void;
  /** Send a message; a retry with the same clientId answers with the first message's ack. */
  'chat:send': (payload: ChatSendPayload, ack: Ack<SendAckDto>) => void;
  'chat:edit': (payload: { chatId: string; messageId: string; text: string }, ack: Ack<ChatMessageDto>) => void;
  'chat:delete': (payload: { chatId: string; messageId: string }, ack: Ack<ChatMessageDto>) => void;
  /** The member saw the chat up to `seq`. */
  'chat:read': (payload: { chatId: string; seq: number }, ack?: Ack<{ seq: number; unread: number }>) => void;
  'chat:typing': (payload: { chatId: string }) => void;
  /** Open a group's gradebook: the ack carries the snapshot (a student's: their own row only) and the socket joins its room. */
  'gradebook:watch': (payload: GradebookWatchPayload, ack: Ack<GradebookDto>) => void;
  'gradebook:unwatch': (payload: GradebookWatchPayload, ack?: Ack<{ groupId: string }>) => void;
  /** The demo meeting page is open on this socket: a stay in the meeting until `meeting:leave` or disconnect (`counted`: it is one of the lesson's people). */
  'meeting:enter': (payload: DemoMeetingPresencePayload, ack?: Ack<{ counted: boolean }>) => void;
  'meeting:leave': (payload: DemoMeetingPresencePayload, ack?: Ack<{ counted: boolean }>) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  userId: string;
  role: Role;
  tokenExpiresAt: number;
}

