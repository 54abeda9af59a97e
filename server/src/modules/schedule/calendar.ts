import type { CalendarEventDto } from '@tp/shared';
import { expandRule, isoDateOfDay } from './expand.js';
import { lessonEvent, occurrenceEvent } from './schedule.presenter.js';
import type { ScheduleRepository } from './schedule.repository.js';
import type { CalendarScope, RuleRow, StoredLesson } from './schedule.types.js';

const DAY_MS = 86_400_000;

/** Local dates that may hold an instant of [from, to) in any timezone. */
export function dateSpan(from: Date, to: Date): { fromDate: string; toDate: string } {
  return {
    fromDate: isoDateOfDay(Math.floor(from.getTime() / DAY_MS) - 1),
    toDate: isoDateOfDay(Math.floor(to.getTime() / DAY_MS) + 1),
  };
}

/** Rule occurrences in [from, to) not taken over by a stored lesson, plus the stored lessons in range. */
export function mergeEvents(rules: RuleRow[], lessons: StoredLesson[], from: Date, to: Date): CalendarEventDto[] {
  const taken = new Set<string>();
  const items: Array<{ at: number; event: CalendarEventDto }> = [];
  const fromMs = from.getTime();
  const toMs = to.getTime();
  for (const lesson of lessons) {
    if (lesson.ruleId) taken.add(`${lesson.ruleId}|${lesson.occurrenceDate}`);
    if (lesson.startAt.getTime() < toMs && lesson.endAt.getTime() > fromMs) {
      items.push({ at: lesson.startAt.getTime(), event: lessonEvent(lesson) });
    }
  }
  for (const rule of rules) {
    const occurrences = expandRule(rule, from, to, rule.anchorDate, (date) => taken.has(`${rule.id}|${date}`));
    for (const occurrence of occurrences) items.push({ at: occurrence.startAt.getTime(), event: occurrenceEvent(rule, occurrence) });
  }
  items.sort((a, b) => a.at - b.at);
  return items.map((item) => item.event);
}

/** Reads calendars with a fixed number of queries: one for rules, one for stored lessons. */
export class CalendarReader {
  constructor(private readonly repo: ScheduleRepository) {}

  async events(scope: CalendarScope, from: Date, to: Date): Promise<CalendarEventDto[]> {
    const { fromDate, toDate } = dateSpan(from, to);
    const [rules, lessons] = await Promise.all([
      this.repo.rulesInRange(scope, fromDate, toDate),
      this.repo.lessonsInRange(scope, from, to, fromDate, toDate),
    ]);
    return mergeEvents(rules, lessons, from, to);
  }

  /** The events of one rule in [from, to) as a calendar shows them now. */
  async ruleEvents(rule: RuleRow, from: Date, to: Date): Promise<CalendarEventDto[]> {
    const { fromDate, toDate } = dateSpan(from, to);
    const taken = await this.repo.materialisedKeys(rule.teacherId, fromDate, toDate);
    return expandRule(rule, from, to, rule.anchorDate, (date) => taken.has(`${rule.id}|${date}`)).map((o) => occurrenceEvent(rule, o));
  }
}
