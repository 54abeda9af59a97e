import { rooms } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { AttemptsRepository } from './attempts.repository.js';
import type { HomeworkRepository, HomeworkRow } from './homework.repository.js';
import { presentAttempt, presentStudentHomework, presentSubmissionRow } from './homework.presenter.js';
import type { StandingRepository } from './standing.repository.js';
import { resultsVisible } from './visibility.js';

/** A student's graded work became visible to them (for notices). */
export type GradedListener = (graded: { homeworkId: string; title: string; attemptId: string; studentId: string; scoreH: number | null; maxH: number }) => Promise<void>;

/** A student's standing (or, with `studentIds: 'all'`, the homework itself) changed; for the gradebook. */
export type StandingChange = { groupId: string; homeworkId: string; studentIds: string[] | 'all' };

/** Pushes homework events after commit: the group hears of new work, the teacher of rows, a student of their grades. */
export class HomeworkEvents {
  readonly gradedListeners: GradedListener[] = [];

  private readonly standingListeners: Array<(change: StandingChange) => void | Promise<void>> = [];

  constructor(
    private readonly infra: Infra,
    private readonly homework: HomeworkRepository,
    private readonly attempts: AttemptsRepository,
    private readonly standing: StandingRepository,
  ) {}

  onStandingChanged(listener: (change: StandingChange) => void | Promise<void>): void {
    this.standingListeners.push(listener);
  }

  /** Tells the listeners after commit; a listener's failure never fails the change that caused it. */
  standingChanged(change: StandingChange): void {
    for (const listener of this.standingListeners) {
      void Promise.resolve()
        .then(() => listener(change))
        .catch((error: unknown) => this.infra.logger.warn({ err: String(error), homeworkId: change.homeworkId }, 'homework standing listener failed'));
    }
  }

  async published(row: HomeworkRow): Promise<void> {
    this.standingChanged({ groupId: row.groupId, homeworkId: row.id, studentIds: 'all' });
    const now = this.infra.clock.now();
    await this.infra.broadcaster.emit(rooms.group(row.groupId), 'homework:published', { homework: presentStudentHomework(row, undefined, now, false) });
  }

  /** The student's row of the teacher's submissions table, complete. */
  async rowChanged(row: HomeworkRow, studentId: string, event: 'homework:submitted' | 'homework:attempt-updated'): Promise<void> {
    this.standingChanged({ groupId: row.groupId, homeworkId: row.id, studentIds: [studentId] });
    const [standing] = await this.standing.forHomework(row.id, studentId);
    if (!standing) return;
    await this.infra.broadcaster.emit(rooms.teacher(row.teacherId), event, { homeworkId: row.id, row: presentSubmissionRow(standing, row.maxH, this.infra.clock.now()) });
  }

  /** Tells a student their attempt was (re)graded; scores only if the results are visible to them. */
  async graded(homeworkId: string, attemptId: string): Promise<void> {
    const [row, attempt] = await Promise.all([this.homework.find(homeworkId), this.attempts.find(attemptId)]);
    if (!row || !attempt) return;
    const now = this.infra.clock.now();
    const [[standing], answers, questions] = await Promise.all([this.standing.forHomework(homeworkId, attempt.studentId), this.attempts.answers([attempt.id]), this.homework.questions(homeworkId)]);
    const visible = resultsVisible(row, standing?.dueAt ?? row.dueAt, now);
    await this.infra.broadcaster.emit(rooms.user(attempt.studentId), 'homework:graded', {
      homeworkId,
      attempt: presentAttempt(attempt, answers, questions, visible),
      homework: presentStudentHomework(row, standing, now, visible),
    });
    if (!visible) return;
    const graded = { homeworkId, title: row.title, attemptId, studentId: attempt.studentId, scoreH: attempt.scoreH, maxH: attempt.maxH };
    for (const listener of this.gradedListeners) await listener(graded).catch((error: unknown) => this.infra.logger.warn({ err: String(error), homeworkId }, 'graded listener failed'));
  }
}
