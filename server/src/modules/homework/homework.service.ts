import { randomUUID } from 'node:crypto';
import type { Mailer } from '../../infra/mailer.js';
import { LIMITS, questionBody, type CreateHomeworkBody, type HomeworkDto, type OverrideBody, type QuestionBody, type Role, type StudentHomeworkDto, type UpdateHomeworkBody } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { ScheduleService } from '../schedule/schedule.service.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { scheduleDueMoments } from './homework.schedule.js';
import { AttemptsRepository } from './attempts.repository.js';
import { HomeworkEvents, type GradedListener, type StandingChange } from './homework.events.js';
import { HomeworkGradebookRepository } from './gradebook-source.repository.js';
import { HomeworkRepository, type HomeworkRow } from './homework.repository.js';
import { presentHomework, presentStudentHomework, presentSubmissionRow, presentTeacherQuestion } from './homework.presenter.js';
import { storedBody } from './questions.js';
import { readGift } from './gift/read.js';
import { writeGift } from './gift/write.js';
import { StandingRepository } from './standing.repository.js';
import { resultsVisible } from './visibility.js';
import { AttemptsService } from './attempts.service.js';

export interface Actor {
  userId: string;
  role: Role;
}

const DAY_MS = 86_400_000;
/** How far ahead the next lesson is looked for when the due time is left to us. */
const NEXT_LESSON_HORIZON_DAYS = 60;

/** Published homework as notices need it. */
export type PublishedListener = (homework: { id: string; title: string; groupId: string; groupName: string; dueAt: Date }) => Promise<void>;
/** A due moment was set or moved (for the whole group, or one student's extension). */
export type DueListener = (homeworkId: string, dueAt: Date, studentId?: string) => Promise<void>;

/** Homework as teachers build and publish it, and as students list it. */
export class HomeworkService {
  private readonly publishedListeners: PublishedListener[] = [];
  private readonly dueListeners: DueListener[] = [];

  readonly repo: HomeworkRepository;
  readonly attempts: AttemptsService;
  private readonly standing: StandingRepository;
  private readonly events: HomeworkEvents;
  private readonly gradebook: HomeworkGradebookRepository;

  constructor(
    private readonly infra: Infra,
    private readonly deps: { groups: GroupsService; schedule: ScheduleService; scheduler: Scheduler; mailer: Mailer },
  ) {
    this.repo = new HomeworkRepository(infra.orm);
    const attemptsRepo = new AttemptsRepository(this.repo);
    this.standing = new StandingRepository(this.repo);
    this.events = new HomeworkEvents(infra, this.repo, attemptsRepo, this.standing);
    this.gradebook = new HomeworkGradebookRepository(this.repo);
    this.attempts = new AttemptsService(infra, this.repo, attemptsRepo, this.standing, this.events, (actor, id) => this.owned(actor, id));
  }

  private now(): Date {
    return this.infra.clock.now();
  }

  /** Set by the composition root: who hears of publishing, due moments and visible grades (the notices). */
  onPublished(listener: PublishedListener): void {
    this.publishedListeners.push(listener);
  }
  onDueMoment(listener: DueListener): void {
    this.dueListeners.push(listener);
  }
  onGraded(listener: GradedListener): void {
    this.events.gradedListeners.push(listener);
  }

  /** Students who have submitted nothing yet and are not excused, with their own due time. */
  async owing(homeworkId: string): Promise<{ title: string; groupName: string; status: string; students: Array<{ studentId: string; dueAt: Date | null }> } | null> {
    const row = await this.repo.find(homeworkId);
    if (!row) return null;
    const standing = await this.standing.forHomework(homeworkId);
    const students = standing.filter((s) => !s.excused && !s.countedId && !s.missedAt).map((s) => ({ studentId: s.studentId, dueAt: s.dueAt }));
    return { title: row.title, groupName: row.groupName, status: row.status, students };
  }

  async create(actor: Actor, input: CreateHomeworkBody): Promise<HomeworkDto> {
    await this.deps.groups.groupForScheduling(actor, input.groupId);
    if (input.lessonId) await this.checkLesson(input.lessonId, input.groupId);
    const id = randomUUID();
    await this.repo.insert({
      id,
      teacherId: actor.userId,
      groupId: input.groupId,
      createdAt: this.now(),
      lessonId: input.lessonId ?? null,
      title: input.title,
      instructions: input.instructions ?? '',
      opensAt: input.opensAt ? new Date(input.opensAt) : null,
      dueAt: input.dueAt ? new Date(input.dueAt) : null,
      attemptsAllowed: input.attemptsAllowed,
      gradeBy: input.gradeBy,
      releaseResults: input.releaseResults,
    });
    return presentHomework((await this.repo.find(id))!);
  }

  async update(actor: Actor, homeworkId: string, changes: UpdateHomeworkBody): Promise<HomeworkDto> {
    const row = await this.owned(actor, homeworkId);
    if (changes.lessonId) await this.checkLesson(changes.lessonId, row.groupId);
    if (row.status !== 'draft' && changes.dueAt === null) throw new AppError('homework/not-editable', 'Published homework needs a due time', { fields: { dueAt: 'required once published' } });
    const when = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));
    await this.repo.update(homeworkId, { ...changes, opensAt: when(changes.opensAt), dueAt: when(changes.dueAt) });
    if (row.status === 'published' && changes.dueAt) await this.scheduleDue(homeworkId, new Date(changes.dueAt));
    if (row.status !== 'draft') this.events.standingChanged({ groupId: row.groupId, homeworkId, studentIds: 'all' });
    return presentHomework((await this.repo.find(homeworkId))!);
  }

  async list(actor: Actor, filter: { groupId?: string }): Promise<Array<HomeworkDto | StudentHomeworkDto>> {
    if (actor.role !== 'student') {
      const rows = await this.repo.list({ teacherId: actor.role === 'teacher' ? actor.userId : undefined, groupId: filter.groupId });
      return rows.map(presentHomework);
    }
    const groupIds = await this.deps.groups.groupIdsForStudent(actor.userId);
    const rows = await this.repo.list({ groupIds: filter.groupId ? groupIds.filter((g) => g === filter.groupId) : groupIds, publishedOnly: true });
    const standings = await this.standing.forStudent(actor.userId, rows.map((r) => r.id));
    const now = this.now();
    return rows.map((r) => {
      const standing = standings.get(r.id);
      return presentStudentHomework(r, standing, now, resultsVisible(r, standing?.dueAt ?? r.dueAt, now));
    });
  }

  /** Teachers get the questions with keys; students their standing and attempts, never a key. */
  async get(actor: Actor, homeworkId: string) {
    if (actor.role !== 'student') {
      const row = await this.owned(actor, homeworkId);
      return { homework: presentHomework(row), questions: (await this.repo.questions(homeworkId)).map(presentTeacherQuestion) };
    }
    const { row, standing } = await this.attempts.studentView(actor, homeworkId);
    const now = this.now();
    const visible = resultsVisible(row, standing.dueAt, now);
    const attempts = await this.attempts.listFor(row, actor.userId, visible);
    return { homework: presentHomework(row), student: presentStudentHomework(row, standing, now, visible), attempts };
  }

  // ------------------------------------------------------------------ questions

  async addQuestion(actor: Actor, homeworkId: string, body: QuestionBody) {
    await this.structurallyEditable(actor, homeworkId);
    const id = randomUUID();
    await this.repo.insertQuestions(homeworkId, [{ id, ...storedBody(body) }]);
    return presentTeacherQuestion((await this.repo.questions(homeworkId)).find((q) => q.id === id)!);
  }

  /** Edits a question; once attempts exist its type is fixed and every submitted attempt is regraded in one transaction. */
  async updateQuestion(actor: Actor, homeworkId: string, questionId: string, body: QuestionBody) {
    const row = await this.owned(actor, homeworkId);
    const current = (await this.repo.questions(homeworkId)).find((q) => q.id === questionId);
    if (!current) throw new AppError('request/not-found', 'Question not found');
    return this.attempts.replaceQuestion(row, current, storedBody(body));
  }

  async duplicateQuestion(actor: Actor, homeworkId: string, questionId: string) {
    await this.structurallyEditable(actor, homeworkId);
    const source = (await this.repo.questions(homeworkId)).find((q) => q.id === questionId);
    if (!source) throw new AppError('request/not-found', 'Question not found');
    const id = randomUUID();
    // Fresh part ids: the copy must not share ids with the original.
    const copy = JSON.parse(JSON.stringify(source.body, (key, value) => (key === 'id' || key === 'choiceId' ? undefined : value))) as QuestionBody;
    await this.repo.insertQuestions(homeworkId, [{ id, ...storedBody({ ...copy, points: source.pointsH / 100 }) }]);
    return presentTeacherQuestion((await this.repo.questions(homeworkId)).find((q) => q.id === id)!);
  }

  async deleteQuestion(actor: Actor, homeworkId: string, questionId: string): Promise<void> {
    await this.structurallyEditable(actor, homeworkId);
    await this.repo.deleteQuestion(questionId);
  }

  async reorder(actor: Actor, homeworkId: string, questionIds: string[]) {
    await this.structurallyEditable(actor, homeworkId);
    const current = await this.repo.questions(homeworkId);
    const same = current.length === questionIds.length && new Set(questionIds).size === questionIds.length && current.every((q) => questionIds.includes(q.id));
    if (!same) throw new AppError('request/invalid', 'List every question of the homework exactly once', { fields: { questionIds: 'must list every question once' } });
    await this.repo.reorder(homeworkId, questionIds);
    return (await this.repo.questions(homeworkId)).map(presentTeacherQuestion);
  }

  // ------------------------------------------------------------------ contract for the gradebook

  /** The group's published homework as columns (one statement). */
  gradebookColumns(groupId: string) {
    return this.gradebook.columns(groupId, this.now());
  }

  /** Every student's (or one student's) cell per published homework (one aggregate statement). */
  gradebookCells(groupId: string, studentId?: string) {
    return this.gradebook.cells(groupId, this.now(), studentId);
  }

  /** Called after commit whenever a student's standing or a published homework changes. */
  onStandingChanged(listener: (change: StandingChange) => void | Promise<void>): void {
    this.events.onStandingChanged(listener);
  }

  // ------------------------------------------------------------------ lifecycle

  async publish(actor: Actor, homeworkId: string): Promise<HomeworkDto> {
    const row = await this.owned(actor, homeworkId);
    if (row.status !== 'draft') throw new AppError('homework/not-editable', 'Already published');
    if (!row.questionCount) throw new AppError('homework/not-editable', 'Add a question first');
    const now = this.now();
    const dueAt = row.dueAt ?? (await this.defaultDue(actor, row.groupId, now));
    if (dueAt <= now) throw new AppError('request/invalid', 'The due time has passed', { fields: { dueAt: 'must be in the future' } });
    if (!(await this.repo.update(homeworkId, { status: 'published', publishedAt: now, dueAt }, undefined, `and status = 'draft'`))) {
      throw new AppError('homework/not-editable', 'Already published');
    }
    await this.scheduleDue(homeworkId, dueAt);
    const published = (await this.repo.find(homeworkId))!;
    await this.events.published(published);
    await this.announcePublished(published);
    return presentHomework(published);
  }

  /** The group's students are told (in-app and by email, as each prefers) by the listeners. */
  private async announcePublished(homework: { id: string; title: string; groupId: string; groupName: string; dueAt: Date | null }): Promise<void> {
    for (const listener of this.publishedListeners) {
      await listener({ ...homework, dueAt: homework.dueAt! }).catch((error: unknown) => this.infra.logger.error({ err: error, homeworkId: homework.id }, 'homework notice not queued'));
    }
  }

  async close(actor: Actor, homeworkId: string): Promise<HomeworkDto> {
    const row = await this.owned(actor, homeworkId);
    await this.repo.update(homeworkId, { status: 'closed', closedAt: this.now() }, undefined, `and status = 'published'`);
    this.events.standingChanged({ groupId: row.groupId, homeworkId, studentIds: 'all' });
    return presentHomework((await this.repo.find(homeworkId))!);
  }

  /** "Release results": every student's scores become visible, pushed live to each. */
  async releaseResults(actor: Actor, homeworkId: string): Promise<HomeworkDto> {
    const row = await this.owned(actor, homeworkId);
    await this.repo.update(homeworkId, { resultsReleasedAt: this.now() }, undefined, 'and results_released_at is null');
    this.events.standingChanged({ groupId: row.groupId, homeworkId, studentIds: 'all' });
    await this.attempts.announceAll(homeworkId);
    return presentHomework((await this.repo.find(homeworkId))!);
  }

  /** The start of the group's next lesson after `now` (stored or from a rule), else now + 7 days. */
  async defaultDue(actor: Actor, groupId: string, now: Date): Promise<Date> {
    const to = new Date(now.getTime() + NEXT_LESSON_HORIZON_DAYS * DAY_MS);
    const events = await this.deps.schedule.calendar(actor, { from: now.toISOString(), to: to.toISOString(), groupId });
    const next = events.find((e) => e.status !== 'cancelled' && new Date(e.startAt) > now);
    return next ? new Date(next.startAt) : new Date(now.getTime() + LIMITS.homework.defaultDueDays * DAY_MS);
  }

  // ------------------------------------------------------------------ teacher views

  async submissions(actor: Actor, homeworkId: string) {
    const row = await this.owned(actor, homeworkId);
    const now = this.now();
    const rows = (await this.standing.forHomework(homeworkId)).map((s) => presentSubmissionRow(s, row.maxH, now));
    return { homeworkId, rows, at: now.toISOString() };
  }

  async setOverride(actor: Actor, homeworkId: string, studentId: string, changes: OverrideBody) {
    const row = await this.owned(actor, homeworkId);
    if (!(await this.deps.groups.isMember(row.groupId, studentId))) throw new AppError('group/student-not-found', 'Not a student of this group');
    await this.standing.setOverride(homeworkId, studentId, { excused: changes.excused, dueAt: changes.dueAt === undefined ? undefined : changes.dueAt ? new Date(changes.dueAt) : null }, this.now());
    if (changes.dueAt) await this.scheduleDue(homeworkId, new Date(changes.dueAt), studentId);
    await this.events.rowChanged(row, studentId, 'homework:attempt-updated');
    const [standing] = await this.standing.forHomework(homeworkId, studentId);
    return presentSubmissionRow(standing, row.maxH, this.now());
  }

  async studentAttempts(actor: Actor, homeworkId: string, studentId: string) {
    const row = await this.owned(actor, homeworkId);
    return this.attempts.listFor(row, studentId, true, true);
  }

  // ------------------------------------------------------------------ GIFT

  /** Imports every question or none: errors come back with their line numbers. */
  async importGift(actor: Actor, homeworkId: string, text: string) {
    await this.structurallyEditable(actor, homeworkId);
    const parsed = readGift(text);
    const fields: Record<string, string> = {};
    const bodies: QuestionBody[] = [];
    if (!parsed.ok) for (const error of parsed.errors) fields[`line ${error.line}`] = error.message;
    else {
      for (const { line, question } of parsed.questions) {
        const result = questionBody.safeParse(question);
        if (result.success) bodies.push(result.data);
        else fields[`line ${line}`] = result.error.issues.map((i) => `${i.path.join('.') || 'question'}: ${i.message}`).join('; ');
      }
    }
    if (Object.keys(fields).length) throw new AppError('homework/gift-invalid', 'The GIFT text has errors; nothing was imported', { fields });
    const existing = (await this.repo.questions(homeworkId)).length;
    if (existing + bodies.length > LIMITS.homework.questions) throw new AppError('request/invalid', `At most ${LIMITS.homework.questions} questions per homework`);
    const ids: string[] = bodies.map(() => randomUUID());
    await this.repo.insertQuestions(homeworkId, bodies.map((body, i) => ({ id: ids[i], ...storedBody(body) })));
    const questions = (await this.repo.questions(homeworkId)).filter((q) => ids.includes(q.id)).map(presentTeacherQuestion);
    return { imported: questions.length, questions };
  }

  async exportGift(actor: Actor, homeworkId: string): Promise<string> {
    await this.owned(actor, homeworkId);
    return writeGift((await this.repo.questions(homeworkId)).map((q) => ({ ...q.body, points: q.pointsH / 100 })));
  }

  // ------------------------------------------------------------------ missed work

  /** Due times that passed: missed 0 and backlog for each student without a submission (idempotent). */
  async processDue(now: Date = this.now()): Promise<number> {
    const marked = await this.standing.markMissed(now, LIMITS.homework.backlogDays);
    await this.announceRows(marked);
    return marked.length;
  }

  /** Backlog time over: closes at 0 (idempotent). */
  async closeBacklog(now: Date = this.now()): Promise<number> {
    const closed = await this.standing.closeBacklog(now);
    await this.announceRows(closed);
    return closed.length;
  }

  private async announceRows(changes: Array<{ homeworkId: string; studentId: string }>): Promise<void> {
    const byHomework = new Map<string, string[]>();
    for (const c of changes) byHomework.set(c.homeworkId, [...(byHomework.get(c.homeworkId) ?? []), c.studentId]);
    for (const [homeworkId, studentIds] of byHomework) {
      const row = await this.repo.find(homeworkId);
      if (!row) continue;
      for (const studentId of studentIds) await this.events.rowChanged(row, studentId, 'homework:attempt-updated');
    }
  }

  /** The exact moments of the missed-work steps; the periodic sweep covers a schedule that failed. */
  private async scheduleDue(homeworkId: string, dueAt: Date, studentId?: string): Promise<void> {
    await scheduleDueMoments(this.deps.scheduler, homeworkId, dueAt, studentId).catch((error: unknown) =>
      this.infra.logger.warn({ err: String(error), homeworkId }, 'homework due moment not scheduled; the sweep will catch it'),
    );
    for (const listener of this.dueListeners) await listener(homeworkId, dueAt, studentId).catch((error: unknown) => this.infra.logger.warn({ err: String(error), homeworkId }, 'due listener failed'));
  }

  // ------------------------------------------------------------------ access

  /** The actor's own homework (admins: any); others' are invisible (404). */
  async owned(actor: Actor, homeworkId: string): Promise<HomeworkRow> {
    if (actor.role === 'student') throw new AppError('auth/forbidden', 'Only teachers manage homework');
    const row = await this.repo.find(homeworkId);
    if (!row || (actor.role !== 'admin' && row.teacherId !== actor.userId)) throw new AppError('homework/not-found', 'Homework not found');
    return row;
  }

  /** Adding, removing and reordering questions stops once a student has started. */
  private async structurallyEditable(actor: Actor, homeworkId: string): Promise<HomeworkRow> {
    const row = await this.owned(actor, homeworkId);
    if (row.status === 'closed') throw new AppError('homework/not-editable', 'The homework is closed');
    if (await this.repo.attemptCount(homeworkId)) throw new AppError('homework/not-editable', 'Students have started: questions can be edited (and are regraded) but not added, removed or reordered');
    return row;
  }

  private async checkLesson(lessonId: string, groupId: string): Promise<void> {
    const lesson = await this.deps.schedule.findLesson(lessonId);
    if (!lesson || lesson.groupId !== groupId) throw new AppError('lesson/not-found', 'Lesson not found in this group', { fields: { lessonId: 'not a lesson of this group' } });
  }
}
