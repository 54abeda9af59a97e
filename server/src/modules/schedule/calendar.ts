import type { CalendarEventDto } from '@tp/shared';
import { expandRule, forEachOccurrence, isoDateOfDay } from './expand.js';
import { lessonEvent, occurrenceEvent, occurrenceEventAt } from './schedule.presenter.js';
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

/** Rule occurrences in [from, to) not taken over by a stored lesson, plus the stored lessons in range, by start. */
export function mergeEvents(rules: RuleRow[], lessons: StoredLesson[], from: Date, to: Date): CalendarEventDto[] {
  const takenByRule = new Map<string, Set<string>>();
  const events: CalendarEventDto[] = [];
  const starts: number[] = [];
  const fromMs = from.getTime();
  const toMs = to.getTime();
  for (const lesson of lessons) {
    if (lesson.ruleId && lesson.occurrenceDate) {
      const dates = takenByRule.get(lesson.ruleId) ?? new Set<string>();
      takenByRule.set(lesson.ruleId, dates.add(lesson.occurrenceDate));
    }
    if (lesson.startAt.getTime() < toMs && lesson.endAt.getTime() > fromMs) {
      starts.push(lesson.startAt.getTime());
      events.push(lessonEvent(lesson));
    }
  }
  for (const rule of rules) {
    const taken = takenByRule.get(rule.id);
    const skip = taken ? (date: string) => taken.has(date) : undefined;
    forEachOccurrence(rule, from, to, rule.anchorDate, skip, (date, startMs, endMs) => {
      starts.push(startMs);
      events.push(occurrenceEventAt(rule, date, startMs, endMs));
    });
  }
  // Sort positions by start time, then lay the events out in that order.
  const order = Array.from(starts.keys()).sort((a, b) => starts[a] - starts[b]);
  return order.map((i) => events[i]);
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
