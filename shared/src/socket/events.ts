import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import type { Role } from '../schemas/auth.js';
import type { CalendarEventDto } from '../schemas/schedule.js';
import type { AccountStateDto, PoolStatsDto } from '../schemas/pool.js';

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

export type Ack<T> = (result: { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } }) => void;

export interface ServerToClientEvents {
  'session:ready': (payload: { userId: string; role: Role }) => void;
  'session:expired': (payload: { reason: string }) => void;
  'calendar:changed': (payload: CalendarChangedPayload) => void;
  'lesson:live': (payload: LessonLivePayload) => void;
  'lesson:ended': (payload: LessonEndedPayload) => void;
  'pool:changed': (payload: PoolChangedPayload) => void;
  'pool:snapshot': (payload: PoolSnapshotPayload) => void;
}

export const sessionRefreshPayload = z.strictObject({ accessToken: z.string().min(10).max(4096) });
export const roomSyncPayload = z.strictObject({ room: z.string().min(1).max(100) });

export interface ClientToServerEvents {
  /** Swap the connection's access token after a refresh, without reconnecting. */
  'session:refresh': (payload: z.infer<typeof sessionRefreshPayload>, ack: Ack<{ expiresAt: string }>) => void;
  /** Admins: ask for a fresh pool snapshot (after a gap). */
  'pool:sync': (payload: Record<string, never>, ack: Ack<PoolSnapshotPayload>) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  userId: string;
  role: Role;
  tokenExpiresAt: number;
}

