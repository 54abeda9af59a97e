import type { AttendanceSettingsDto, AttendanceStatus, CalendarEventDto, LessonAttendanceDto, MyAttendanceDto } from '@tp/shared';
import type { AttendanceLesson, MarkRow } from './attendance.repository.js';

export function presentLesson(eventId: string, event: CalendarEventDto, stored: AttendanceLesson | null): LessonAttendanceDto['lesson'] {
  return {
    eventId,
    lessonId: stored?.id ?? null,
    title: event.title,
    groupId: event.groupId,
    groupName: event.groupName,
    startAt: event.startAt,
    endAt: event.endAt,
    status: event.status,
  };
}

export function presentMark(row: MarkRow): LessonAttendanceDto['marks'][number] {
  return { studentId: row.studentId, status: row.status, comment: row.comment, markedAt: row.markedAt.toISOString(), markedBy: row.markedBy };
}

const STATUSES: AttendanceStatus[] = ['present', 'late', 'excused', 'absent'];

export function presentMyAttendance(
  groups: Array<{ id: string; name: string }>,
  groupId: string | null,
  settings: AttendanceSettingsDto | null,
  marks: Array<{ lessonId: string; title: string; startAt: Date; status: AttendanceStatus; comment: string | null }>,
): MyAttendanceDto {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<AttendanceStatus, number>;
  const lessons = marks.map((m) => {
    counts[m.status] += 1;
    return { lessonId: m.lessonId, title: m.title, startAt: m.startAt.toISOString(), status: m.status, points: settings ? settings.points[m.status] : 0, comment: m.comment };
  });
  const points = lessons.reduce((sum, l) => sum + l.points, 0);
  return { groups, groupId, settings, lessons, summary: { points, maxPoints: settings ? settings.maxPoints * lessons.length : 0, counts } };
}
