import { randomUUID } from 'node:crypto';
import { LIMITS, isUuid, type CalendarEventDto, type CapacityWarningDto, type LessonDto, type LessonStatus } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { AuditService } from '../audit/audit.service.js';
import { CalendarReader, dateSpan } from './calendar.js';
import { ConflictChecker, conflictError, isOverlapViolation } from './conflicts.js';
import { expandRule, isOccurrenceDate, occurrenceAt, occurrenceId, parseOccurrenceId, type Occurrence } from './expand.js';
import { lessonDto, lessonEvent, occurrenceEvent } from './schedule.presenter.js';
import { ScheduleNotifier } from './schedule.notifier.js';
import { ScheduleRepository, type BusyLesson } from './schedule.repository.js';
import type { Actor, CalendarScope, LessonRow, RuleRow, StoredLesson } from './schedule.types.js';

const DAY_MS = 86_400_000;

export interface LessonResult {
  lesson: LessonDto;
  event: CalendarEventDto;
  /** Set when the lesson lands in a slot that needs more meeting rooms than the pool has (a warning only). */
  capacityWarning?: CapacityWarningDto | null;
}

/** Tells whether [startAt, endAt) needs more rooms than the pool has; wired by the composition root. */
export type CapacityCheck = (startAt: Date, endAt: Date) => Promise<CapacityWarningDto | null>;

export function assertDuration(startAt: Date, endAt: Date): void {
  const minutes = (endAt.getTime() - startAt.getTime()) / 60_000;
  if (!(minutes >= LIMITS.lessonMinutes.min && minutes <= LIMITS.lessonMinutes.max)) {
    throw new AppError('lesson/invalid-duration', `A lesson lasts ${LIMITS.lessonMinutes.min} minutes to ${LIMITS.lessonMinutes.max / 60} hours and ends after it starts`, {
      fields: { endAt: 'out of range' },
    });
  }
}

/** A lesson was created (`before` null) or edited: moved, renamed, cancelled. For notices and reminders. */
export type LessonChangeListener = (change: { before: { startAt: Date; endAt: Date; status: LessonStatus } | null; after: CalendarEventDto }) => Promise<void>;

/** Either a stored lesson or an occurrence of a rule that is not stored yet. */
type WriteTarget = { stored: StoredLesson } | { stored: null; rule: RuleRow; occurrence: Occurrence };

/** One-off lessons, occurrences, the calendar and the contract the pool relies on. */
export class ScheduleService {
  readonly repo: ScheduleRepository;
  readonly reader: CalendarReader;
  readonly checker: ConflictChecker;
  readonly notifier: ScheduleNotifier;

  constructor(
    private readonly infra: Infra,
    private readonly groups: GroupsService,
    private readonly audit: Pick<AuditService, 'record'>,
  ) {
    this.repo = new ScheduleRepository(infra.orm);
    this.reader = new CalendarReader(this.repo);
    this.checker = new ConflictChecker(this.repo);
    this.notifier = new ScheduleNotifier(infra, this.reader);
  }

  private capacityCheck: CapacityCheck | null = null;
  private readonly changeListeners: LessonChangeListener[] = [];

  /** Set by the composition root: notices and the 15-minute reminders follow every lesson write. */
  onLessonChanged(listener: LessonChangeListener): void {
    this.changeListeners.push(listener);
  }

  private async lessonChanged(change: Parameters<LessonChangeListener>[0]): Promise<void> {
    for (const listener of this.changeListeners) await listener(change).catch((error: unknown) => this.infra.logger.warn({ err: String(error), eventId: change.after.id }, 'lesson change listener failed'));
  }

  setCapacityCheck(check: CapacityCheck): void {
    this.capacityCheck = check;
  }

  /** The pool warning for a slot; a failing check never fails the schedule write. */
  async capacityWarning(startAt: Date, endAt: Date): Promise<CapacityWarningDto | null> {
    if (!this.capacityCheck || endAt.getTime() <= this.infra.clock.now().getTime()) return null;
    return this.capacityCheck(startAt, endAt).catch((error: unknown) => {
      this.infra.logger.warn({ err: String(error) }, 'capacity check failed');
      return null;
    });
  }

  /** Serialises one teacher's schedule writes so a check and its write see the same state. */
  withTeacherLock<T>(teacherId: string, fn: () => Promise<T>): Promise<T> {
    return this.infra.lock.withLock(`schedule:teacher:${teacherId}`, 15_000, fn);
  }

  async calendar(actor: Actor, query: { from: string; to: string; teacherId?: string; groupId?: string }): Promise<CalendarEventDto[]> {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to.getTime() <= from.getTime()) throw new AppError('request/invalid', 'The range ends before it starts', { fields: { to: 'must be after from' } });
    if (to.getTime() - from.getTime() > LIMITS.calendarMaxDays * DAY_MS) {
      throw new AppError('schedule/range-too-large', `The range may span at most ${LIMITS.calendarMaxDays} days`, { fields: { to: 'range too large' } });
    }
    let scope: CalendarScope;
    if (actor.role === 'teacher') {
      if (query.teacherId && query.teacherId !== actor.userId) throw new AppError('auth/forbidden', 'Teachers see their own calendar');
      scope = { teacherId: actor.userId, groupId: query.groupId, includeArchived: true };
    } else if (actor.role === 'student') {
      scope = { studentId: actor.userId, teacherId: query.teacherId, groupId: query.groupId, includeArchived: false };
    } else {
      scope = { teacherId: query.teacherId, groupId: query.groupId, includeArchived: true };
    }
    return this.reader.events(scope, from, to);
  }

  /** A stored lesson or a not-yet-stored occurrence, for whoever may see it. */
  async getEvent(actor: Actor, eventId: string): Promise<{ lesson: LessonDto | null; event: CalendarEventDto }> {
    const occurrence = occurrenceOf(eventId);
    const stored = occurrence ? await this.repo.findLessonByOccurrence(occurrence.ruleId, occurrence.date) : await this.repo.findLesson(eventId);
    if (stored && (await this.maySee(actor, stored.teacherId, stored.groupId, stored.groupArchived))) {
      return { lesson: lessonDto(stored), event: lessonEvent(stored) };
    }
    if (occurrence && !stored) {
      const rule = await this.repo.findRule(occurrence.ruleId);
      if (rule && !rule.groupArchived && isOccurrenceDate(rule, occurrence.date, rule.anchorDate) && (await this.maySee(actor, rule.teacherId, rule.groupId, false))) {
        return { lesson: null, event: occurrenceEvent(rule, occurrenceAt(rule, occurrence.date)) };
      }
    }
    throw new AppError('lesson/not-found', 'Lesson not found');
  }

  async createLesson(actor: Actor, input: { groupId: string; title: string; startAt: string; endAt: string }): Promise<LessonResult> {
    const group = await this.groups.groupForScheduling(actor, input.groupId);
    const startAt = new Date(input.startAt);
    const endAt = new Date(input.endAt);
    assertDuration(startAt, endAt);
    const id = randomUUID();
    await this.withTeacherLock(actor.userId, async () => {
      await this.checker.assertFree(actor.userId, [{ startAt, endAt }]);
      const lesson = { id, groupId: group.id, teacherId: actor.userId, title: input.title, startAt, endAt, status: 'scheduled' as const, ruleId: null, occurrenceDate: null };
      await this.repo.insertLesson(lesson).catch((error) => this.rethrowOverlap(error, actor.userId, startAt, endAt));
    });
    const stored = (await this.repo.findLesson(id))!;
    await this.audit.record({ actor, action: 'lesson.create', lessonId: id, outcome: 'ok', detail: { title: stored.title, groupId: stored.groupId, ...span(stored) } });
    await this.notifier.emit(stored.teacherId, stored.groupId, [lessonEvent(stored)], []);
    await this.lessonChanged({ before: null, after: lessonEvent(stored) });
    return { lesson: lessonDto(stored), event: lessonEvent(stored), capacityWarning: await this.capacityWarning(stored.startAt, stored.endAt) };
  }

  /** Edits a stored lesson, or materialises an occurrence with the changes (the rule stays). */
  async updateLesson(actor: Actor, eventId: string, changes: { title?: string; startAt?: string; endAt?: string; status?: 'scheduled' | 'cancelled' }): Promise<LessonResult> {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', 'Only teachers edit lessons');
    let before: { title: string; startAt: Date; endAt: Date; status: LessonStatus } | undefined;
    const lessonId = await this.withTeacherLock(actor.userId, async () => {
      const target = await this.writeTarget(actor, eventId);
      const current = target.stored ?? { ...target.occurrence, title: target.rule.title, status: 'scheduled' as LessonStatus };
      before = current;
      if (current.status === 'live' || current.status === 'completed') {
        throw new AppError('lesson/not-editable', 'A live or completed lesson cannot be changed');
      }
      const next = {
        title: changes.title ?? current.title,
        startAt: changes.startAt ? new Date(changes.startAt) : current.startAt,
        endAt: changes.endAt ? new Date(changes.endAt) : current.endAt,
        status: changes.status ?? current.status,
      };
      assertDuration(next.startAt, next.endAt);
      const occurrenceKey = target.stored ? undefined : `${target.rule.id}|${target.occurrence.date}`;
      if (next.status === 'scheduled') {
        await this.checker.assertFree(actor.userId, [next], { lessonId: target.stored?.id, occurrenceKey });
      }
      const write = async () => {
        if (target.stored) {
          await this.repo.updateLesson(target.stored.id, next);
          return target.stored.id;
        }
        const stored = await this.insertOccurrence(target.rule, target.occurrence.date, next);
        // Someone stored the occurrence first (the pool starting it): the edit applies to that lesson.
        if (!stored.inserted) await this.repo.updateLesson(stored.id, next);
        return stored.id;
      };
      return write().catch((error) => this.rethrowOverlap(error, actor.userId, next.startAt, next.endAt, target.stored?.id));
    });
    const stored = (await this.repo.findLesson(lessonId))!;
    await this.auditEdit(actor, before!, stored);
    const removed = stored.ruleId && stored.occurrenceDate ? [occurrenceId(stored.ruleId, stored.occurrenceDate)] : [];
    await this.notifier.emit(stored.teacherId, stored.groupId, [lessonEvent(stored)], removed);
    await this.lessonChanged({ before: before!, after: lessonEvent(stored) });
    const moved = stored.status === 'scheduled' && (changes.startAt !== undefined || changes.endAt !== undefined);
    const capacityWarning = moved ? await this.capacityWarning(stored.startAt, stored.endAt) : null;
    return { lesson: lessonDto(stored), event: lessonEvent(stored), capacityWarning };
  }

  cancelLesson(actor: Actor, eventId: string): Promise<LessonResult> {
    return this.updateLesson(actor, eventId, { status: 'cancelled' });
  }

  // ---- Contract for the pool ----

  async findLesson(lessonId: string): Promise<LessonRow | null> {
    const lesson = await this.repo.findLesson(lessonId);
    return lesson ? this.repo.toLessonRow(lesson) : null;
  }

  /** A uuid names a stored lesson; `rule:{id}:{date}` is stored now (idempotently). Teacher only. */
  async materializeEvent(actor: { userId: string; role: Actor['role'] }, eventId: string): Promise<LessonRow> {
    const occurrence = occurrenceOf(eventId);
    if (!occurrence) {
      const lesson = await this.repo.findLesson(eventId);
      if (!lesson) throw new AppError('lesson/not-found', 'Lesson not found');
      if (lesson.teacherId !== actor.userId) throw new AppError('auth/forbidden', 'Only the lesson’s teacher may do this');
      return this.repo.toLessonRow(lesson);
    }
    const rule = await this.repo.findRule(occurrence.ruleId);
    if (!rule) throw new AppError('lesson/not-found', 'Lesson not found');
    if (rule.teacherId !== actor.userId) throw new AppError('auth/forbidden', 'Only the lesson’s teacher may do this');
    const existing = await this.repo.findLessonByOccurrence(rule.id, occurrence.date);
    if (existing) return this.repo.toLessonRow(existing);
    if (rule.groupArchived || !isOccurrenceDate(rule, occurrence.date, rule.anchorDate)) throw new AppError('lesson/not-found', 'No such occurrence');
    const at = occurrenceAt(rule, occurrence.date);
    const values = { title: rule.title, startAt: at.startAt, endAt: at.endAt, status: 'scheduled' as const };
    const { id } = await this.withTeacherLock(rule.teacherId, () =>
      this.insertOccurrence(rule, occurrence.date, values).catch((error) => this.rethrowOverlap(error, rule.teacherId, at.startAt, at.endAt)),
    );
    const stored = (await this.repo.findLesson(id))!;
    await this.notifier.emit(stored.teacherId, stored.groupId, [lessonEvent(stored)], [eventId]);
    return this.repo.toLessonRow(stored);
  }

  /** Re-reads a lesson and pushes it to its teacher and group (after the pool changed it). */
  async notifyLessonChanged(lessonId: string): Promise<void> {
    const lesson = await this.repo.findLesson(lessonId);
    if (!lesson) return;
    const removed = lesson.ruleId && lesson.occurrenceDate ? [occurrenceId(lesson.ruleId, lesson.occurrenceDate)] : [];
    await this.notifier.emit(lesson.teacherId, lesson.groupId, [lessonEvent(lesson)], removed);
  }

  /** notifyLessonChanged for many lessons at once: one read, then each lesson's notice. */
  async notifyLessonsChanged(lessonIds: string[]): Promise<void> {
    const lessons = await this.repo.findLessons(lessonIds);
    await Promise.all(
      lessons.map((lesson) => {
        const removed = lesson.ruleId && lesson.occurrenceDate ? [occurrenceId(lesson.ruleId, lesson.occurrenceDate)] : [];
        return this.notifier.emit(lesson.teacherId, lesson.groupId, [lessonEvent(lesson)], removed);
      }),
    );
  }

  /** Everything scheduled in [from, to) across all teachers: stored lessons and rule occurrences. */
  async scheduledIntervals(from: Date, to: Date): Promise<Array<Omit<BusyLesson, 'id'> & { lessonId: string }>> {
    const { fromDate, toDate } = dateSpan(from, to);
    const [lessons, rules, taken] = await Promise.all([
      this.repo.allBusyLessons(from, to),
      this.repo.rulesInRange({ includeArchived: false }, fromDate, toDate),
      this.repo.materialisedKeys(null, fromDate, toDate),
    ]);
    const out = lessons.map(({ id, ...lesson }) => ({ ...lesson, lessonId: id }));
    for (const rule of rules) {
      for (const o of expandRule(rule, from, to, rule.anchorDate, (date) => taken.has(`${rule.id}|${date}`))) {
        const { title, groupName, teacherName, teacherId } = rule;
        out.push({ startAt: o.startAt, endAt: o.endAt, lessonId: occurrenceId(rule.id, o.date), teacherId, title, groupName, teacherName });
      }
    }
    return out.sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
  }

  // ---- Internals ----

  /** One audit line per edit: a cancel, a restore, a move (with both times) or a rename. */
  private async auditEdit(actor: Actor, before: { title: string; startAt: Date; endAt: Date; status: LessonStatus }, after: StoredLesson): Promise<void> {
    const moved = before.startAt.getTime() !== after.startAt.getTime() || before.endAt.getTime() !== after.endAt.getTime();
    const action =
      before.status !== after.status ? (after.status === 'cancelled' ? 'lesson.cancel' : 'lesson.restore') : moved ? 'lesson.move' : before.title !== after.title ? 'lesson.rename' : null;
    if (!action) return;
    const detail = { title: after.title, groupId: after.groupId, ...span(after), ...(moved ? { from: span(before) } : {}), ...(before.title !== after.title ? { previousTitle: before.title } : {}) };
    await this.audit.record({ actor, action, lessonId: after.id, outcome: 'ok', detail });
  }

  private async maySee(actor: Actor, teacherId: string, groupId: string, groupArchived: boolean): Promise<boolean> {
    if (actor.role === 'admin') return true;
    if (actor.role === 'teacher') return teacherId === actor.userId;
    return !groupArchived && (await this.groups.isMember(groupId, actor.userId));
  }

  private async writeTarget(actor: Actor, eventId: string): Promise<WriteTarget> {
    const occurrence = occurrenceOf(eventId);
    if (!occurrence) {
      const stored = await this.repo.findLesson(eventId);
      if (!stored || stored.teacherId !== actor.userId) throw new AppError('lesson/not-found', 'Lesson not found');
      return { stored };
    }
    const rule = await this.repo.findRule(occurrence.ruleId);
    if (!rule || rule.teacherId !== actor.userId) throw new AppError('lesson/not-found', 'Lesson not found');
    const stored = await this.repo.findLessonByOccurrence(rule.id, occurrence.date);
    if (stored) return { stored };
    if (rule.groupArchived || !isOccurrenceDate(rule, occurrence.date, rule.anchorDate)) throw new AppError('lesson/not-found', 'No such occurrence');
    return { stored: null, rule, occurrence: occurrenceAt(rule, occurrence.date) };
  }

  /** Stores an occurrence; a concurrent materialisation of the same date wins and is returned. */
  private async insertOccurrence(
    rule: RuleRow,
    date: string,
    values: { title: string; startAt: Date; endAt: Date; status: LessonStatus },
  ): Promise<{ id: string; inserted: boolean }> {
    assertDuration(values.startAt, values.endAt);
    const id = randomUUID();
    const inserted = await this.repo.insertLesson({ id, groupId: rule.groupId, teacherId: rule.teacherId, ruleId: rule.id, occurrenceDate: date, ...values });
    if (inserted) return { id, inserted };
    return { id: (await this.repo.findLessonByOccurrence(rule.id, date))!.id, inserted: false };
  }

  private async rethrowOverlap(error: unknown, teacherId: string, startAt: Date, endAt: Date, selfId?: string): Promise<never> {
    if (!isOverlapViolation(error)) throw error;
    const clash = (await this.repo.busyLessons(teacherId, startAt, endAt)).find((lesson) => lesson.id !== selfId);
    if (clash) throw conflictError({ id: clash.id, title: clash.title, startAt: clash.startAt, endAt: clash.endAt });
    throw new AppError('schedule/conflict', 'The lesson overlaps another lesson of this teacher');
  }
}

/** The occurrence an id names, or null for a stored lesson's uuid; anything else is not found and never reaches SQL. */
function occurrenceOf(eventId: string): { ruleId: string; date: string } | null {
  const occurrence = parseOccurrenceId(eventId);
  if (!occurrence && !isUuid(eventId)) throw new AppError('lesson/not-found', 'Lesson not found');
  return occurrence;
}

const span = (lesson: { startAt: Date; endAt: Date }) => ({ startAt: lesson.startAt.toISOString(), endAt: lesson.endAt.toISOString() });
