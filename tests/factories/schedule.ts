import type { RecurringRuleDto, WeekType } from '@tp/shared';
import type { TestApp } from '../setup/app.js';
import type { BuiltUser } from './users.js';
import type { LessonResult } from '../../server/src/modules/schedule/schedule.service.js';

const actorOf = (teacher: BuiltUser) => ({ userId: teacher.user.id, role: 'teacher' as const });

/** A one-off lesson through the service (all checks apply). */
export function buildLesson(
  app: TestApp,
  teacher: BuiltUser,
  groupId: string,
  startAt: string,
  minutes = 60,
  title = 'Lesson',
): Promise<LessonResult> {
  const endAt = new Date(new Date(startAt).getTime() + minutes * 60_000).toISOString();
  return app.ctx.services.schedule.createLesson(actorOf(teacher), { groupId, title, startAt, endAt });
}

/** A weekly rule through the service; Monday 18:00-19:30 Moscow over the 2025/26 academic year by default. */
export function buildRule(
  app: TestApp,
  teacher: BuiltUser,
  groupId: string,
  overrides: Partial<{ title: string; dayOfWeek: number; weekType: WeekType; startTime: string; endTime: string; timezone: string; startDate: string; endDate: string }> = {},
): Promise<RecurringRuleDto> {
  return app.ctx.services.recurringRules.create(actorOf(teacher), {
    groupId,
    title: 'Weekly',
    dayOfWeek: 1,
    weekType: 'ALL',
    startTime: '18:00',
    endTime: '19:30',
    timezone: 'Europe/Moscow',
    startDate: '2025-09-01',
    endDate: '2026-05-31',
    ...overrides,
  });
}
