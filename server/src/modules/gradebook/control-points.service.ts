import { randomUUID } from 'node:crypto';
import { columnIds, type ControlPointDto, type ControlPointScoresDto, type CreateControlPointBody, type PutScoresBody, type Role, type UpdateControlPointBody } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { ControlPointRow, GradebookRepository, GroupInfo, ScoreRow } from './gradebook.repository.js';
import type { GradebookLive } from './gradebook.live.js';
import { presentControlPoint, presentScore } from './gradebook.presenter.js';

interface Actor {
  userId: string;
  role: Role;
}

const hundredths = (value: number) => Math.round(value * 100);

/** Control points (exams, tests, essays, orals) of a group and their scores, entered by the group's teacher. */
export class ControlPointsService {
  constructor(
    private readonly infra: Infra,
    private readonly repo: GradebookRepository,
    private readonly managed: (actor: Actor, groupId: string) => Promise<GroupInfo>,
    private readonly live: GradebookLive,
  ) {}

  async list(groupId: string): Promise<ControlPointDto[]> {
    return (await this.repo.controlPoints(groupId)).map(presentControlPoint);
  }

  async create(actor: Actor, groupId: string, input: CreateControlPointBody): Promise<ControlPointDto> {
    const group = await this.managed(actor, groupId);
    if (input.lessonId) await this.checkLesson(input.lessonId, group.id);
    const id = randomUUID();
    await this.repo.insertControlPoint({
      id,
      groupId: group.id,
      title: input.title,
      kind: input.kind,
      maxH: hundredths(input.maxPoints),
      weightH: hundredths(input.weight),
      date: input.date ?? null,
      lessonId: input.lessonId ?? null,
      createdAt: this.infra.clock.now(),
      createdBy: actor.userId,
    });
    await this.live.changed(group.id, 'all');
    return presentControlPoint((await this.repo.controlPoint(id))!);
  }

  async update(actor: Actor, controlPointId: string, changes: UpdateControlPointBody): Promise<ControlPointDto> {
    const { point, group } = await this.owned(actor, controlPointId);
    if (changes.lessonId) await this.checkLesson(changes.lessonId, group.id);
    const maxH = changes.maxPoints === undefined ? undefined : hundredths(changes.maxPoints);
    if (maxH !== undefined && maxH < (await this.repo.maxScoreH(point.id))) {
      throw new AppError('request/invalid', 'A score is above the new maximum', { fields: { maxPoints: 'lower than a score already given' } });
    }
    await this.repo.updateControlPoint(point.id, {
      title: changes.title,
      kind: changes.kind,
      maxH,
      weightH: changes.weight === undefined ? undefined : hundredths(changes.weight),
      date: changes.date,
      lessonId: changes.lessonId,
    });
    await this.live.changed(group.id, 'all');
    return presentControlPoint((await this.repo.controlPoint(point.id))!);
  }

  async remove(actor: Actor, controlPointId: string): Promise<void> {
    const { point, group } = await this.owned(actor, controlPointId);
    await this.repo.deleteControlPoint(point.id);
    await this.live.changed(group.id, 'all');
  }

  /** The control point and every score of its group's current students (the teacher, or an admin reading). */
  async scores(actor: Actor, controlPointId: string, read: (actor: Actor, groupId: string) => Promise<GroupInfo>): Promise<ControlPointScoresDto> {
    const point = await this.repo.controlPoint(controlPointId);
    if (!point) throw new AppError('control-point/not-found', 'Control point not found');
    await read(actor, point.groupId).catch(() => {
      throw new AppError('control-point/not-found', 'Control point not found');
    });
    return { controlPoint: presentControlPoint(point), scores: (await this.repo.scores(point.id)).map(presentScore) };
  }

  /**
   * Saves scores (0..max, or null to clear, or excused) for students of the group; any refusal writes
   * nothing. One statement for all of them, then the touched rows are pushed live.
   */
  async putScores(actor: Actor, controlPointId: string, input: PutScoresBody): Promise<ControlPointScoresDto> {
    const { point, group } = await this.owned(actor, controlPointId);
    const fields: Record<string, string> = {};
    input.scores.forEach((score, i) => {
      if (score.points !== null && hundredths(score.points) > point.maxH) fields[`scores.${i}.points`] = `at most ${point.maxH / 100}`;
    });
    if (Object.keys(fields).length) throw new AppError('request/invalid', 'A score is above the maximum', { fields });
    const strangers = await this.repo.notStudentsOf(group.id, input.scores.map((s) => s.studentId));
    if (strangers.length) throw new AppError('group/student-not-found', 'Not a student of this group', { fields: Object.fromEntries(strangers.map((id) => [id, 'not in the group'])) });
    const rows: ScoreRow[] = input.scores.map((s) => ({
      controlPointId: point.id,
      studentId: s.studentId,
      pointsH: s.excused || s.points === null ? null : hundredths(s.points),
      excused: s.excused ?? false,
      comment: s.comment ?? null,
    }));
    await this.repo.saveScores(point.id, rows, actor.userId, this.infra.clock.now());
    await this.live.changed(group.id, rows.map((r) => r.studentId), columnIds.control(point.id));
    return { controlPoint: presentControlPoint(point), scores: (await this.repo.scores(point.id)).map(presentScore) };
  }

  private async owned(actor: Actor, controlPointId: string): Promise<{ point: ControlPointRow; group: GroupInfo }> {
    const point = await this.repo.controlPoint(controlPointId);
    if (!point) throw new AppError('control-point/not-found', 'Control point not found');
    const group = await this.managed(actor, point.groupId).catch((error: unknown) => {
      // someone else's control point is invisible, like someone else's group
      if (error instanceof AppError && error.code === 'group/not-found') throw new AppError('control-point/not-found', 'Control point not found');
      throw error;
    });
    return { point, group };
  }

  private async checkLesson(lessonId: string, groupId: string): Promise<void> {
    if (!(await this.repo.lessonOfGroup(lessonId, groupId))) throw new AppError('lesson/not-found', 'No such lesson in this group', { fields: { lessonId: 'not a lesson of this group' } });
  }
}
