import type { CalendarEventDto, LessonDto, RecurringRuleDto } from '@tp/shared';
import { isoInstant, occurrenceId, type Occurrence } from './expand.js';
import type { RuleRow, StoredLesson } from './schedule.types.js';

export function lessonEvent(lesson: StoredLesson): CalendarEventDto {
  return {
    id: lesson.id,
    title: lesson.title,
    groupId: lesson.groupId,
    groupName: lesson.groupName,
    teacherId: lesson.teacherId,
    teacherName: lesson.teacherName,
    startAt: isoInstant(lesson.startAt.getTime()),
    endAt: isoInstant(lesson.endAt.getTime()),
    status: lesson.status,
    stored: true,
    ruleId: lesson.ruleId,
    occurrenceDate: lesson.occurrenceDate,
    weekType: null,
    live: lesson.status === 'live' && lesson.meetingId !== null,
  };
}

export function occurrenceEvent(rule: RuleRow, occurrence: Occurrence): CalendarEventDto {
  return occurrenceEventAt(rule, occurrence.date, occurrence.startAt.getTime(), occurrence.endAt.getTime());
}

export function occurrenceEventAt(rule: RuleRow, date: string, startMs: number, endMs: number): CalendarEventDto {
  return {
    id: occurrenceId(rule.id, date),
    title: rule.title,
    groupId: rule.groupId,
    groupName: rule.groupName,
    teacherId: rule.teacherId,
    teacherName: rule.teacherName,
    startAt: isoInstant(startMs),
    endAt: isoInstant(endMs),
    status: 'scheduled',
    stored: false,
    ruleId: rule.id,
    occurrenceDate: date,
    weekType: rule.weekType,
    live: false,
  };
}

export function lessonDto(lesson: StoredLesson): LessonDto {
  return {
    id: lesson.id,
    groupId: lesson.groupId,
    teacherId: lesson.teacherId,
    title: lesson.title,
    startAt: lesson.startAt.toISOString(),
    endAt: lesson.endAt.toISOString(),
    status: lesson.status,
    ruleId: lesson.ruleId,
    occurrenceDate: lesson.occurrenceDate,
  };
}

export function ruleDto(rule: RuleRow): RecurringRuleDto {
  return {
    id: rule.id,
    groupId: rule.groupId,
    teacherId: rule.teacherId,
    title: rule.title,
    dayOfWeek: rule.dayOfWeek,
    weekType: rule.weekType,
    startTime: rule.startTime,
    endTime: rule.endTime,
    timezone: rule.timezone,
    startDate: rule.startDate,
    endDate: rule.endDate,
  };
}
