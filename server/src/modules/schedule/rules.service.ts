import { randomUUID } from 'node:crypto';
import { LIMITS, occurrenceId, type CalendarEventDto, type CapacityWarningDto, type RecurringRuleBody, type RecurringRuleDto, type UpdateRecurringRuleBody } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import { addDays, dayNumber, expandWholeRule, localDateOf, minutesOf, type RuleSpec } from './expand.js';
import { lessonEvent, ruleDto } from './schedule.presenter.js';
import type { RuleFields } from './schedule.repository.js';
import type { ScheduleService } from './schedule.service.js';
import type { Actor, RuleRow } from './schedule.types.js';

/** A rule may span at most two years: long enough for any course, short enough to validate. */
const MAX_RULE_DAYS = 731;
/** How far ahead a new or changed rule is checked against the pool's capacity. */
const FORECAST_DAYS = 14;
const DAY_MS = 86_400_000;

export type RuleInput = RecurringRuleBody;

/** A lesson of a series: its key (the occurrence id) and start. */
export interface SeriesLesson {
  key: string;
  startAt: string;
  date: string;
}
/**
 * A series whose future lessons changed, told once per change (never once per lesson): moved to
 * another slot (`next` is its next lesson now) or cancelled from `fromDate` on. `previous` is the
 * next lesson the series had before, whose reminder may be out already.
 */
export interface RuleChange {
  kind: 'moved' | 'cancelled';
  rule: RecurringRuleDto;
  groupName: string;
  fromDate: string;
  previous: SeriesLesson;
  next: SeriesLesson | null;
}
export type RuleChangeListener = (change: RuleChange) => Promise<void>;
/** What places a series' lessons in the week; a change to any of these moves them. */
const SLOT_FIELDS = ['dayOfWeek', 'weekType', 'startTime', 'endTime', 'timezone'] as const;
type RuleChanges = UpdateRecurringRuleBody;

function assertRuleShape(rule: RuleSpec, anchorDate: string | null): void {
  const minutes = minutesOf(rule.endTime) - minutesOf(rule.startTime);
  if (minutes < LIMITS.lessonMinutes.min || minutes > LIMITS.lessonMinutes.max) {
    throw new AppError('lesson/invalid-duration', `A lesson lasts ${LIMITS.lessonMinutes.min} minutes to ${LIMITS.lessonMinutes.max / 60} hours`, {
      fields: { endTime: 'out of range' },
    });
  }
  const days = dayNumber(rule.endDate) - dayNumber(rule.startDate);
  if (days < 0) throw new AppError('request/invalid', 'The rule ends before it starts', { fields: { endDate: 'must not be before startDate' } });
  if (days > MAX_RULE_DAYS) throw new AppError('request/invalid', 'A rule may span at most two years', { fields: { endDate: 'too far from startDate' } });
  if (!expandWholeRule(rule, anchorDate).length) {
    throw new AppError('request/invalid', 'The rule has no lessons between its dates', { fields: { startDate: 'no occurrence in range' } });
  }
}

/** Recurring rules: create, change (whole series or from a date on), delete future occurrences. */
export class RecurringRuleService {
  constructor(
    private readonly infra: Infra,
    private readonly groups: GroupsService,
    private readonly schedule: ScheduleService,
  ) {}

  private readonly changeListeners: RuleChangeListener[] = [];

  /** Set by the composition root: a series' students hear of its moved or cancelled lessons. */
  onRuleChanged(listener: RuleChangeListener): void {
    this.changeListeners.push(listener);
  }

  private get repo() {
    return this.schedule.repo;
  }

  async create(actor: Actor, input: RuleInput): Promise<RecurringRuleDto> {
    const group = await this.groups.groupForScheduling(actor, input.groupId);
    const id = randomUUID();
    await this.schedule.withTeacherLock(actor.userId, async () => {
      const anchor = await this.repo.teacherAnchor(actor.userId);
      const spec = { ...input, id };
      assertRuleShape(spec, anchor);
      await this.schedule.checker.assertRuleFree(actor.userId, spec, anchor, {});
      await this.repo.insertRule(id, { ...input, groupId: group.id, teacherId: actor.userId });
    });
    const rule = (await this.repo.findRule(id))!;
    await this.pushDiff(rule, [], await this.windowEvents(rule));
    return ruleDto(rule);
  }

  /** The first slot in the coming fortnight where this rule's occurrences need more rooms than the pool has. */
  async capacityWarning(rule: RecurringRuleDto): Promise<CapacityWarningDto | null> {
    const row = await this.repo.findRule(rule.id);
    if (!row) return null;
    const now = this.infra.clock.now().getTime();
    const soon = (await this.windowEvents(row)).filter((e) => Date.parse(e.endAt) > now && Date.parse(e.startAt) < now + FORECAST_DAYS * DAY_MS);
    for (const event of soon) {
      const warning = await this.schedule.capacityWarning(new Date(event.startAt), new Date(event.endAt));
      if (warning) return warning;
    }
    return null;
  }

  async list(actor: Actor): Promise<RecurringRuleDto[]> {
    const scope =
      actor.role === 'teacher'
        ? { teacherId: actor.userId, includeArchived: true }
        : actor.role === 'student'
          ? { studentId: actor.userId, includeArchived: false }
          : { includeArchived: true };
    return (await this.repo.listRules(scope)).map(ruleDto);
  }

  async get(actor: Actor, id: string): Promise<RecurringRuleDto> {
    const rule = await this.repo.findRule(id);
    const visible =
      rule &&
      (actor.role === 'admin' ||
        rule.teacherId === actor.userId ||
        (actor.role === 'student' && !rule.groupArchived && (await this.groups.isMember(rule.groupId, actor.userId))));
    if (!visible) throw new AppError('rule/not-found', 'Rule not found');
    return ruleDto(rule);
  }

  /** Without `fromDate` the whole series changes; with it the rule is split there. */
  async update(actor: Actor, id: string, changes: RuleChanges): Promise<{ rule: RecurringRuleDto; previous: RecurringRuleDto | null }> {
    const { fromDate, ...fields } = changes;
    const before = await this.owned(actor, id);
    const beforeEvents = await this.windowEvents(before);
    const result = await this.schedule.withTeacherLock(actor.userId, async () => {
      const rule = await this.owned(actor, id);
      const anchor = rule.anchorDate;
      const merged: RuleFields = { ...pickFields(rule), ...fields };
      if (!fromDate || fromDate <= rule.startDate) {
        const spec = { ...merged, id };
        assertRuleShape(spec, anchor);
        await this.schedule.checker.assertRuleFree(actor.userId, spec, anchor, { ruleId: id });
        await this.repo.updateRule(id, merged);
        return { ruleId: id, previousId: null };
      }
      if (fromDate > rule.endDate) throw new AppError('request/invalid', 'fromDate is after the rule ends', { fields: { fromDate: 'after endDate' } });
      const newId = randomUUID();
      const next: RuleFields = { ...merged, startDate: fields.startDate && fields.startDate > fromDate ? fields.startDate : fromDate };
      assertRuleShape({ ...next, id: newId }, anchor);
      await this.schedule.checker.assertRuleFree(actor.userId, { ...next, id: newId }, anchor, { ruleId: id });
      await this.repo.transaction(async (em) => {
        const earlier = { ...pickFields(rule), endDate: addDays(fromDate, -1) };
        // An earlier part without a single occurrence is no rule at all.
        if (expandWholeRule({ ...earlier, id }, anchor).length) await this.repo.updateRule(id, earlier, em);
        else await this.repo.deleteRule(id, em);
        await this.repo.insertRule(newId, next, em);
        await this.repo.repointLessons(id, newId, fromDate, em);
      });
      return { ruleId: newId, previousId: id };
    });
    const rule = (await this.repo.findRule(result.ruleId))!;
    const previous = result.previousId ? await this.repo.findRule(result.previousId) : null;
    const afterEvents = [...(previous ? await this.windowEvents(previous) : []), ...(await this.windowEvents(rule))];
    await this.pushDiff(rule, beforeEvents, afterEvents);
    await this.seriesChanged(before, rule, fromDate && fromDate > before.startDate ? fromDate : localDateOf(this.infra.clock.now(), before.timezone));
    return { rule: ruleDto(rule), previous: previous ? ruleDto(previous) : null };
  }

  /**
   * Future occurrences go: the rule ends the day before `fromDate` (default today in the rule's
   * timezone), or disappears if it never occurred. Stored past lessons stay; stored future ones are cancelled.
   */
  async remove(actor: Actor, id: string, fromDate?: string): Promise<void> {
    const before = await this.owned(actor, id);
    const beforeEvents = await this.windowEvents(before);
    const cut = fromDate ?? localDateOf(this.infra.clock.now(), before.timezone);
    const cancelledIds = await this.schedule.withTeacherLock(actor.userId, () =>
      this.repo.transaction(async (em) => {
        const cancelled = await this.repo.cancelRuleLessonsFrom(id, cut, em);
        if (cut <= before.startDate) await this.repo.deleteRule(id, em);
        else if (cut <= before.endDate) await this.repo.updateRule(id, { ...pickFields(before), endDate: addDays(cut, -1) }, em);
        return cancelled;
      }),
    );
    const after = await this.repo.findRule(id);
    const afterEvents = after ? await this.windowEvents(after) : [];
    const cancelled = await Promise.all(cancelledIds.map((lessonId) => this.repo.findLesson(lessonId)));
    await this.pushDiff(before, beforeEvents, afterEvents, cancelled.filter((l) => l !== null).map(lessonEvent));
    await this.seriesChanged(before, null, cut);
  }

  /**
   * Moves a teacher's week anchor through `save` (the users module's write) once the schedule
   * under the new anchor is free of clashes, then pushes the weeks that swapped to open calendars.
   */
  async changeWeekAnchor<T>(teacherId: string, anchorDate: string | null, save: () => Promise<T>): Promise<T> {
    return this.schedule.withTeacherLock(teacherId, async () => {
      if ((await this.repo.teacherAnchor(teacherId)) === anchorDate) return save();
      const { from, to } = this.schedule.notifier.window();
      const before = await this.schedule.reader.events({ teacherId, includeArchived: false }, from, to);
      await this.schedule.checker.assertAnchorFree(teacherId, anchorDate, this.infra.clock.now());
      const saved = await save();
      await this.schedule.notifier.anchorChanged(teacherId, before);
      return saved;
    });
  }

  /** Un-archives a group through `save` once its rules fit the teacher's schedule again. */
  async unarchiveGroup<T>(teacherId: string, groupId: string, save: () => Promise<T>): Promise<T> {
    return this.schedule.withTeacherLock(teacherId, async () => {
      await this.schedule.checker.assertGroupRulesFree(teacherId, groupId, this.infra.clock.now());
      return save();
    });
  }

  private async owned(actor: Actor, id: string): Promise<RuleRow> {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', 'Only teachers change rules');
    const rule = await this.repo.findRule(id);
    if (!rule || rule.teacherId !== actor.userId) throw new AppError('rule/not-found', 'Rule not found');
    return rule;
  }

  private windowEvents(rule: RuleRow): Promise<CalendarEventDto[]> {
    if (rule.groupArchived) return Promise.resolve([]);
    const { from, to } = this.schedule.notifier.window();
    return this.schedule.reader.ruleEvents(rule, from, to);
  }

  /** The series' first lesson on or after `fromDate` that has not started yet. */
  private nextLesson(rule: RuleRow, fromDate: string): SeriesLesson | null {
    const now = this.infra.clock.now().getTime();
    const next = expandWholeRule(rule, rule.anchorDate).find((o) => o.date >= fromDate && o.startAt.getTime() > now);
    return next ? { key: occurrenceId(rule.id, next.date), startAt: next.startAt.toISOString(), date: next.date } : null;
  }

  /**
   * Tells the listeners once when a change from `fromDate` on moved the series' coming lessons to
   * another slot, or took them away (`after` null: deleted from that date). A change of title or of
   * dates that keeps the coming lessons where they were tells nothing.
   */
  private async seriesChanged(before: RuleRow, after: RuleRow | null, fromDate: string): Promise<void> {
    const previous = this.nextLesson(before, fromDate);
    if (!previous || !this.changeListeners.length) return;
    const next = after ? this.nextLesson(after, fromDate) : null;
    const slotMoved = after !== null && SLOT_FIELDS.some((field) => before[field] !== after[field]);
    if (next && !slotMoved) return;
    const change: RuleChange = next
      ? { kind: 'moved', rule: ruleDto(after!), groupName: after!.groupName, fromDate: next.date, previous, next }
      : { kind: 'cancelled', rule: ruleDto(before), groupName: before.groupName, fromDate: previous.date, previous, next: null };
    for (const listener of this.changeListeners) {
      await listener(change).catch((error: unknown) => this.infra.logger.warn({ err: String(error), ruleId: before.id }, 'rule change listener failed'));
    }
  }

  private async pushDiff(rule: RuleRow, before: CalendarEventDto[], after: CalendarEventDto[], extra: CalendarEventDto[] = []): Promise<void> {
    const kept = new Set(after.map((e) => e.id));
    const removedIds = before.filter((e) => !kept.has(e.id)).map((e) => e.id);
    await this.schedule.notifier.emit(rule.teacherId, rule.groupId, [...after, ...extra], removedIds);
  }
}

function pickFields(rule: RuleRow): RuleFields {
  const { groupId, teacherId, title, dayOfWeek, weekType, startTime, endTime, timezone, startDate, endDate } = rule;
  return { groupId, teacherId, title, dayOfWeek, weekType, startTime, endTime, timezone, startDate, endDate };
}
