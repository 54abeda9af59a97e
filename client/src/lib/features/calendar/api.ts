import type { CalendarEventDto, CapacityWarningDto, LessonDto, RecurringRuleBody, RecurringRuleDto, UpdateLessonBody, UpdateRecurringRuleBody, UserDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

/** What a lesson write answers; `capacityWarning` appears when the slot needs more meeting rooms than the pool has. */
export interface LessonWrite {
  lesson: LessonDto;
  event: CalendarEventDto;
  capacityWarning?: CapacityWarningDto | null;
}
export interface RuleWrite {
  rule: RecurringRuleDto;
  previous?: RecurringRuleDto | null;
  capacityWarning?: CapacityWarningDto | null;
}
export type RuleInput = RecurringRuleBody;
export type RuleChanges = UpdateRecurringRuleBody;
export type LessonChanges = UpdateLessonBody;

/** The schedule API, typed; every call rejects with an ApiError on refusal. */
export const scheduleApi = {
  events: (from: string, to: string, signal?: AbortSignal) =>
    http.get<{ events: CalendarEventDto[] }>('/api/calendar', { from, to }, { signal }).then((body) => body.events),
  createLesson: (body: { groupId: string; title: string; startAt: string; endAt: string }) => http.post<LessonWrite>('/api/lessons', body),
  /** A `rule:…` occurrence id materialises the occurrence as a stored lesson. */
  updateLesson: (id: string, changes: LessonChanges) => http.patch<LessonWrite>(`/api/lessons/${encodeURIComponent(id)}`, changes),
  cancelLesson: (id: string) => http.delete<LessonWrite>(`/api/lessons/${encodeURIComponent(id)}`),
  createRule: (body: RuleInput) => http.post<RuleWrite>('/api/recurring-lessons', body),
  rule: (id: string) => http.get<{ rule: RecurringRuleDto }>(`/api/recurring-lessons/${id}`).then((body) => body.rule),
  /** With `fromDate` the rule is split there ("this and following"); without it the whole series changes. */
  updateRule: (id: string, changes: RuleChanges) => http.patch<RuleWrite>(`/api/recurring-lessons/${id}`, changes),
  deleteRule: (id: string, fromDate?: string) => http.delete<void>(`/api/recurring-lessons/${id}`, { query: { fromDate } }),
  setWeekAnchor: (weekAnchorDate: string | null) =>
    http.patch<UserDto | { user: UserDto }>('/api/users/me', { weekAnchorDate }).then((body) => ('user' in body ? body.user : body)),
};
