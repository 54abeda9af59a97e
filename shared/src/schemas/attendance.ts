import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { text, uuid } from './common.js';
import { eventId } from './schedule.js';

export const attendanceStatus = z.enum(['present', 'late', 'excused', 'absent']);
export type AttendanceStatus = z.infer<typeof attendanceStatus>;

/** `:id` of `/api/lessons/:id/attendance`: a stored lesson or a rule occurrence (stored on the first mark). */
export const lessonAttendanceParams = z.strictObject({ id: eventId });

const comment = text(LIMITS.attendance.commentChars, { min: 0 }).nullable().optional();

export const attendanceMarkInput = z.strictObject({ studentId: uuid, status: attendanceStatus, comment });

/** `PUT /api/lessons/:id/attendance`: one row per student; a bad row refuses the whole save. */
export const putAttendanceBody = z.strictObject({
  marks: z
    .array(attendanceMarkInput)
    .min(1, 'at least one mark')
    .max(LIMITS.attendance.marksPerSave)
    .refine((marks) => new Set(marks.map((m) => m.studentId)).size === marks.length, 'each student at most once'),
});
export type PutAttendanceBody = z.infer<typeof putAttendanceBody>;

/** `PUT /api/lessons/:id/attendance/participants`: the teacher says who an unmatched participant was (null undoes it). */
export const assignParticipantBody = z.strictObject({ participantKey: text(255, { trim: false }), studentId: uuid.nullable() });

const points = z.number().int().min(0).max(LIMITS.attendance.maxPoints);
export const attendancePoints = z.strictObject({ present: points, late: points, excused: points, absent: points });

/** `PUT /api/groups/:id/attendance-settings`. */
export const attendanceSettingsBody = z
  .strictObject({
    points: attendancePoints,
    maxPoints: z.number().int().min(1).max(LIMITS.attendance.maxPoints),
    lateAfterMinutes: z.number().int().min(0).max(LIMITS.attendance.lateAfterMinutes),
  })
  .refine((s) => Object.values(s.points).every((p) => p <= s.maxPoints), { message: 'points must not exceed the maximum', path: ['points'] });
export type AttendanceSettingsDto = z.infer<typeof attendanceSettingsBody>;

/** `GET /api/me/attendance?groupId=`. */
export const myAttendanceQuery = z.strictObject({ groupId: uuid.optional() });

export const attendanceMarkDto = z.object({
  studentId: uuid,
  status: attendanceStatus,
  comment: z.string().nullable(),
  markedAt: z.string(),
  markedBy: uuid,
});
export type AttendanceMarkDto = z.infer<typeof attendanceMarkDto>;

/** What the meeting says about a student: a suggestion until the teacher confirms it. */
export const attendanceSuggestionDto = z.object({
  studentId: uuid,
  status: attendanceStatus,
  /** First time the student was seen in the meeting (null: never joined). */
  joinedAt: z.string().nullable(),
  /** Minutes in the meeting (Zoom join/leave pairs; the demo room counts until the last sign of life). */
  minutes: z.number().int().nonnegative(),
  sources: z.array(z.enum(['zoom', 'demo'])),
});
export type AttendanceSuggestionDto = z.infer<typeof attendanceSuggestionDto>;

/** Someone in the Zoom meeting whose email matches no student of the group. */
export const unmatchedParticipantDto = z.object({
  participantKey: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  joinedAt: z.string(),
  minutes: z.number().int().nonnegative(),
});
export type UnmatchedParticipantDto = z.infer<typeof unmatchedParticipantDto>;

export const lessonAttendanceDto = z.object({
  lesson: z.object({
    /** The id asked for (an occurrence id until the lesson is stored). */
    eventId: z.string(),
    /** The stored lesson, null while an occurrence is not stored yet. */
    lessonId: uuid.nullable(),
    title: z.string(),
    groupId: uuid,
    groupName: z.string(),
    startAt: z.string(),
    endAt: z.string(),
    status: z.string(),
  }),
  /** Whether the viewer may change marks (the lesson's teacher; admins read). */
  canEdit: z.boolean(),
  settings: attendanceSettingsBody,
  roster: z.array(z.object({ id: uuid, name: z.string(), email: z.string() })),
  marks: z.array(attendanceMarkDto),
  suggestions: z.array(attendanceSuggestionDto),
  unmatched: z.array(unmatchedParticipantDto),
  /** Participants the teacher assigned to a student, by participant key. */
  assigned: z.array(z.object({ participantKey: z.string(), name: z.string(), studentId: uuid })),
});
export type LessonAttendanceDto = z.infer<typeof lessonAttendanceDto>;

/** A student's own attendance in one group. */
export const myAttendanceDto = z.object({
  groups: z.array(z.object({ id: uuid, name: z.string() })),
  groupId: uuid.nullable(),
  settings: attendanceSettingsBody.nullable(),
  lessons: z.array(
    z.object({
      lessonId: uuid,
      title: z.string(),
      startAt: z.string(),
      status: attendanceStatus,
      points: z.number(),
      comment: z.string().nullable(),
    }),
  ),
  summary: z.object({ points: z.number(), maxPoints: z.number(), counts: z.record(attendanceStatus, z.number()) }),
});
export type MyAttendanceDto = z.infer<typeof myAttendanceDto>;
