import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { WEEK_TYPES } from '../constants.js';
import { isoDate, isoInstant, parseOccurrenceId, text, timezone, uuid } from './common.js';

export const LESSON_STATUSES = ['scheduled', 'live', 'completed', 'cancelled'] as const;
export const lessonStatus = z.enum(LESSON_STATUSES);
export type LessonStatus = z.infer<typeof lessonStatus>;
export const weekType = z.enum(WEEK_TYPES);
export type WeekType = z.infer<typeof weekType>;
export const wallClock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm');
const title = text(LIMITS.title.max);

/** A calendar event id: a stored lesson's uuid, or `rule:{ruleId}:{yyyy-mm-dd}` for an occurrence. */
export const eventId = z.union([
  uuid,
  text(64, { trim: false }).refine((id) => parseOccurrenceId(id) !== null, 'expected a lesson id or rule:{uuid}:{yyyy-mm-dd}'),
]);
export const eventIdParam = z.strictObject({ id: eventId });

export const createLessonBody = z.strictObject({
  groupId: uuid,
  title,
  startAt: isoInstant,
  endAt: isoInstant,
});
/** Editing a stored lesson or an occurrence (which materialises it). */
export const updateLessonBody = z.strictObject({
  title: title.optional(),
  startAt: isoInstant.optional(),
  endAt: isoInstant.optional(),
  status: z.enum(['scheduled', 'cancelled']).optional(),
});

export const recurringRuleBody = z.strictObject({
  groupId: uuid,
  title,
  dayOfWeek: z.number().int().min(1).max(7),
  weekType,
  startTime: wallClock,
  endTime: wallClock,
  timezone,
  startDate: isoDate,
  endDate: isoDate,
});
export const updateRecurringRuleBody = recurringRuleBody
  .omit({ groupId: true })
  .partial()
  .extend({
    /** Apply the change from this date on: the rule is split there. Absent = the whole series. */
    fromDate: isoDate.optional(),
  })
  .strict();
/** Request bodies as types, for both ends. */
export type CreateLessonBody = z.infer<typeof createLessonBody>;
export type UpdateLessonBody = z.infer<typeof updateLessonBody>;
export type RecurringRuleBody = z.infer<typeof recurringRuleBody>;
export type UpdateRecurringRuleBody = z.infer<typeof updateRecurringRuleBody>;

export const deleteRuleQuery = z.strictObject({ fromDate: isoDate.optional() });

export const calendarQuery = z.strictObject({
  from: isoInstant,
  to: isoInstant,
  teacherId: uuid.optional(),
  groupId: uuid.optional(),
});

export const calendarEventDto = z.object({
  id: z.string(),
  title: z.string(),
  groupId: uuid,
  groupName: z.string(),
  teacherId: uuid,
  teacherName: z.string(),
  startAt: z.string(),
  endAt: z.string(),
  status: lessonStatus,
  stored: z.boolean(),
  ruleId: uuid.nullable(),
  occurrenceDate: z.string().nullable(),
  weekType: weekType.nullable(),
  /** The lesson has a live meeting (students see Join). */
  live: z.boolean(),
});
export type CalendarEventDto = z.infer<typeof calendarEventDto>;

export const recurringRuleDto = z.object({
  id: uuid,
  groupId: uuid,
  teacherId: uuid,
  title: z.string(),
  dayOfWeek: z.number(),
  weekType,
  startTime: z.string(),
  endTime: z.string(),
  timezone: z.string(),
  startDate: z.string(),
  endDate: z.string(),
});
export type RecurringRuleDto = z.infer<typeof recurringRuleDto>;

export const lessonDto = z.object({
  id: uuid,
  groupId: uuid,
  teacherId: uuid,
  title: z.string(),
  startAt: z.string(),
  endAt: z.string(),
  status: lessonStatus,
  ruleId: uuid.nullable(),
  occurrenceDate: z.string().nullable(),
});
export type LessonDto = z.infer<typeof lessonDto>;

/** Returned with a create/move when the slot exceeds the pool's capacity (a warning, not a refusal). */
export const capacityWarningDto = z.object({
  startAt: z.string(),
  endAt: z.string(),
  scheduled: z.number(),
  capacity: z.number(),
});
export type CapacityWarningDto = z.infer<typeof capacityWarningDto>;

/** Response bodies of the schedule API. */
export const calendarResponseDto = z.object({ events: z.array(calendarEventDto) });
/** `lesson` is null only when GET /api/lessons/:id names an occurrence that is not stored yet. */
export const lessonResponseDto = z.object({ lesson: lessonDto.nullable(), event: calendarEventDto, capacityWarning: capacityWarningDto.nullable().optional() });
export const ruleResponseDto = z.object({
  rule: recurringRuleDto,
  /** After a split (`fromDate`): the earlier part, now ending the day before; null when it vanished. */
  previous: recurringRuleDto.nullable().optional(),
  capacityWarning: capacityWarningDto.nullable().optional(),
});
export const rulesResponseDto = z.object({ rules: z.array(recurringRuleDto) });
