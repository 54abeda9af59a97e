import type { AttendanceSettingsDto, AttendanceStatus, LessonAttendanceDto, MyAttendanceDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

export type { AttendanceStatus } from '@tp/shared';
/** In the order of their keys (1–4). */
export const STATUSES: readonly AttendanceStatus[] = ['present', 'late', 'excused', 'absent'];

const lessonPath = (id: string) => `/api/lessons/${encodeURIComponent(id)}/attendance`;

/** The attendance API, typed; every call rejects with an ApiError on refusal. */
export const attendanceApi = {
  lesson: (id: string) => http.get<LessonAttendanceDto>(lessonPath(id)),
  save: (id: string, marks: Array<{ studentId: string; status: AttendanceStatus; comment?: string | null }>) => http.put<LessonAttendanceDto>(lessonPath(id), { marks }),
  assign: (id: string, participantKey: string, studentId: string | null) => http.put<LessonAttendanceDto>(`${lessonPath(id)}/participants`, { participantKey, studentId }),
  saveSettings: (groupId: string, settings: AttendanceSettingsDto) => http.put<AttendanceSettingsDto>(`/api/groups/${groupId}/attendance-settings`, settings),
  mine: (groupId?: string) => http.get<MyAttendanceDto>('/api/me/attendance', { groupId }),
};
