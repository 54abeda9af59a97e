import type { LessonStatus, Role, WeekType } from '@tp/shared';
import type { RuleSpec } from './expand.js';

export interface Actor {
  userId: string;
  role: Role;
}

/** A stored lesson as other modules (the pool) see it. */
export interface LessonRow {
  id: string;
  groupId: string;
  groupName: string;
  teacherId: string;
  title: string;
  startAt: Date;
  endAt: Date;
  status: LessonStatus;
  joinUrl: string | null;
  meetingId: string | null;
}

/** A stored lesson with everything the calendar shows. */
export interface StoredLesson extends LessonRow {
  teacherName: string;
  ruleId: string | null;
  occurrenceDate: string | null;
  groupArchived: boolean;
}

export interface RuleRow extends RuleSpec {
  groupId: string;
  groupName: string;
  teacherId: string;
  teacherName: string;
  title: string;
  weekType: WeekType;
  /** The teacher's week anchor (null = 1 September of each academic year). */
  anchorDate: string | null;
  groupArchived: boolean;
}

/** Whose calendar is read: a teacher's own, a student's groups', or (admin) everyone's, filtered. */
export interface CalendarScope {
  teacherId?: string;
  studentId?: string;
  groupId?: string;
  /** Stored lessons of archived groups (teachers and admins keep their history; students never). */
  includeArchived: boolean;
  /** Rules of archived groups normally never expand; set to list what archiving took away. */
  expandArchived?: boolean;
}

export interface Interval {
  startAt: Date;
  endAt: Date;
}
