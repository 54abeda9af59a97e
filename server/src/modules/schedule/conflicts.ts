import { AppError } from '../../infra/errors.js';
import { expandRule, expandWholeRule, occurrenceId, type RuleSpec } from './expand.js';
import { dateSpan } from './calendar.js';
import type { ScheduleRepository } from './schedule.repository.js';
import type { Interval } from './schedule.types.js';

const DAY_MS = 86_400_000;

interface Busy extends Interval {
  id: string;
  title: string;
}

export interface Ignore {
  /** The stored lesson being moved. */
  lessonId?: string;
  /** The rule being changed: its own occurrences are replaced, and its stored dates skipped. */
  ruleId?: string;
  /** The occurrence being materialised (`ruleId|date`). */
  occurrenceKey?: string;
}

export function conflictError(clash: Busy): AppError {
  const at = clash.startAt.toISOString();
  return new AppError('schedule/conflict', `Overlaps "${clash.title}" (${clash.id}) at ${at}`, {
    fields: { conflictId: clash.id, conflictTitle: clash.title, conflictStartAt: at, conflictEndAt: clash.endAt.toISOString() },
  });
}

/** The exclusion constraint is the last fence: a race past the checks still ends in a 409. */
export function isOverlapViolation(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string; previous?: { code?: string } } | null;
  return e?.code === '23P01' || e?.previous?.code === '23P01' || Boolean(e?.message?.includes('lessons_no_teacher_overlap'));
}

/** Finds what a teacher already has at given times: stored lessons and every rule's occurrences. */
export class ConflictChecker {
  constructor(private readonly repo: ScheduleRepository) {}

  /** Throws `schedule/conflict` naming the first clash of any candidate interval. */
  async assertFree(teacherId: string, candidates: Interval[], ignore: Ignore = {}): Promise<void> {
    if (!candidates.length) return;
    const from = new Date(Math.min(...candidates.map((c) => c.startAt.getTime())));
    const to = new Date(Math.max(...candidates.map((c) => c.endAt.getTime())));
    const busy = await this.busy(teacherId, from, to, ignore);
    const clash = firstClash(candidates, busy);
    if (clash) throw conflictError(clash);
  }

  /** Checks every occurrence of a new or changed rule over its whole span. */
  async assertRuleFree(teacherId: string, rule: RuleSpec, anchorDate: string | null, ignore: Ignore): Promise<void> {
    const all = expandWholeRule(rule, anchorDate);
    if (!all.length) return;
    const from = all[0].startAt;
    const to = all[all.length - 1].endAt;
    const { fromDate, toDate } = dateSpan(from, to);
    const taken = ignore.ruleId ? await this.repo.materialisedKeys(teacherId, fromDate, toDate) : new Set<string>();
    // Dates the changed rule already has stored lessons for stay as they are.
    const candidates = ignore.ruleId ? all.filter((o) => !taken.has(`${ignore.ruleId}|${o.date}`)) : all;
    await this.assertFree(teacherId, candidates, ignore);
  }

  /**
   * Checks the teacher's schedule from `from` on as it would stand under another week anchor: UPPER
   * and LOWER weeks swap, so alternating rules can land on lessons that were clear before.
   */
  async assertAnchorFree(teacherId: string, anchorDate: string | null, from: Date): Promise<void> {
    const { fromDate } = dateSpan(from, from);
    const rules = await this.repo.rulesInRange({ teacherId, includeArchived: false }, fromDate, '9999-12-31');
    if (!rules.some((rule) => rule.weekType !== 'ALL')) return;
    const lastDay = rules.reduce((last, rule) => (rule.endDate > last ? rule.endDate : last), fromDate);
    const { toDate } = dateSpan(new Date(`${lastDay}T00:00:00Z`), new Date(`${lastDay}T00:00:00Z`));
    const busy = await this.busy(teacherId, from, new Date(`${toDate}T00:00:00Z`), {}, anchorDate);
    const clash = firstOverlap(busy);
    if (clash) throw conflictError(clash);
  }

  /**
   * Checks a group's rules coming back from the archive against the rest of the teacher's schedule
   * from `from` on (archived rules never counted as busy, so the slots may have been taken).
   */
  async assertGroupRulesFree(teacherId: string, groupId: string, from: Date): Promise<void> {
    const { fromDate } = dateSpan(from, from);
    const rules = await this.repo.rulesInRange({ groupId, includeArchived: true, expandArchived: true }, fromDate, '9999-12-31');
    for (const rule of rules) {
      const to = new Date(`${rule.endDate}T00:00:00Z`).getTime() + 2 * DAY_MS;
      const span = dateSpan(from, new Date(to));
      const taken = await this.repo.materialisedKeys(teacherId, span.fromDate, span.toDate);
      const candidates = expandRule(rule, from, new Date(to), rule.anchorDate, (date) => taken.has(`${rule.id}|${date}`));
      await this.assertFree(teacherId, candidates, { ruleId: rule.id });
    }
  }

  private async busy(teacherId: string, from: Date, to: Date, ignore: Ignore, anchorOverride?: string | null): Promise<Busy[]> {
    const { fromDate, toDate } = dateSpan(from, to);
    const [lessons, rules, taken] = await Promise.all([
      this.repo.busyLessons(teacherId, from, to),
      this.repo.rulesInRange({ teacherId, includeArchived: false }, fromDate, toDate),
      this.repo.materialisedKeys(teacherId, fromDate, toDate),
    ]);
    const busy: Busy[] = lessons.filter((l) => l.id !== ignore.lessonId).map((l) => ({ id: l.id, title: l.title, startAt: l.startAt, endAt: l.endAt }));
    for (const rule of rules) {
      if (rule.id === ignore.ruleId) continue;
      const skip = (date: string) => taken.has(`${rule.id}|${date}`) || ignore.occurrenceKey === `${rule.id}|${date}`;
      for (const o of expandRule(rule, from, to, anchorOverride === undefined ? rule.anchorDate : anchorOverride, skip)) {
        busy.push({ id: occurrenceId(rule.id, o.date), title: rule.title, startAt: o.startAt, endAt: o.endAt });
      }
    }
    return busy.sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
  }
}

/** The later of the first two overlapping items of `busy` (sorted by start), if any overlap. */
export function firstOverlap(busy: Busy[]): Busy | null {
  let reach = -Infinity;
  for (const item of busy) {
    if (item.startAt.getTime() < reach) return item;
    reach = Math.max(reach, item.endAt.getTime());
  }
  return null;
}

/** Half-open intervals: back-to-back lessons do not clash. `busy` is sorted by start. */
export function firstClash(candidates: Interval[], busy: Busy[]): Busy | null {
  if (!busy.length) return null;
  const longest = Math.max(...busy.map((item) => item.endAt.getTime() - item.startAt.getTime()));
  for (const candidate of candidates) {
    const start = candidate.startAt.getTime();
    const end = candidate.endAt.getTime();
    // Nothing starting before `start - longest` can reach into the candidate: skip it by bisection.
    let lo = 0;
    let hi = busy.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (busy[mid].startAt.getTime() < start - longest) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < busy.length && busy[i].startAt.getTime() < end; i++) {
      if (busy[i].endAt.getTime() > start) return busy[i];
    }
  }
  return null;
}
