import type { Role } from '@tp/shared';

/** What the pool needs from the schedule module (through its service, wired lazily). */
export interface SchedulePeer {
  /** A lesson uuid or `rule:{ruleId}:{date}` → the stored lesson (materialised); throws lesson/not-found, auth/forbidden. */
  materializeEvent(actor: { userId: string; role: Role }, eventId: string): Promise<{ id: string }>;
  /** Emits calendar:changed for the lesson. */
  notifyLessonChanged(lessonId: string): Promise<unknown>;
  /** The same for many lessons, reading them in one query. */
  notifyLessonsChanged(lessonIds: string[]): Promise<unknown>;
}

export interface GroupsPeer {
  isMember(groupId: string, userId: string): Promise<boolean>;
}

export interface PoolPeers {
  schedule?: SchedulePeer;
  groups?: GroupsPeer;
}

export interface Actor {
  userId: string;
  role: Role;
  ip?: string | null;
}
