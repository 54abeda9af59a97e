/**
 * Gradebook values both ends use, free of zod so the browser can import them
 * (`@tp/shared/gradebook/constants`).
 */
export const CATEGORY_KEYS = ['attendance', 'homework', 'control'] as const;
export type CategoryKey = (typeof CATEGORY_KEYS)[number];

export const CONTROL_POINT_KINDS = ['exam', 'test', 'essay', 'oral'] as const;
export type ControlPointKind = (typeof CONTROL_POINT_KINDS)[number];

/** Cell status codes per category (the second element of a cell tuple). */
export const ATTENDANCE_CELL_STATUSES = ['present', 'late', 'excused', 'absent'] as const;
export const HOMEWORK_CELL_STATUSES = ['graded', 'submitted', 'missed', 'backlog', 'excused', 'in_progress'] as const;
export const CONTROL_CELL_STATUSES = ['scored', 'excused'] as const;

/** Category weights in percent as a new group starts with them. */
export const DEFAULT_CATEGORY_WEIGHTS: Readonly<Record<CategoryKey, number>> = { attendance: 20, homework: 30, control: 50 };

/** The Russian 5-point scale, ordered by `min` (percent) descending. */
export const DEFAULT_MARK_SCALE: ReadonlyArray<{ min: number; mark: string }> = [
  { min: 85, mark: '5' },
  { min: 70, mark: '4' },
  { min: 50, mark: '3' },
  { min: 0, mark: '2' },
];

/** A student is at risk below this total (percent), with this many missed homework or below this attendance. */
export const AT_RISK_DEFAULTS = { totalBelow: 50, missedHomework: 3, attendanceBelow: 70 } as const;

/** Socket rooms: the whole table (teacher, admins) and one student's own row. */
export const gradebookRooms = {
  group: (groupId: string) => `gradebook:${groupId}`,
  student: (groupId: string, studentId: string) => `gradebook:${groupId}:${studentId}`,
} as const;

/** Column ids carry their source: `att:<lessonId>`, `hw:<homeworkId>`, `cp:<controlPointId>`. */
export const columnIds = {
  attendance: (lessonId: string) => `att:${lessonId}`,
  homework: (homeworkId: string) => `hw:${homeworkId}`,
  control: (controlPointId: string) => `cp:${controlPointId}`,
} as const;
