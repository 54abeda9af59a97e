import type { GradebookDto, GradebookSettingsBody, GradebookSettingsDto, MyGradeGroupsDto, Role } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import { GradebookRepository, type GroupInfo } from './gradebook.repository.js';
import { GradebookSources, type AttendanceSource, type HomeworkSource } from './gradebook.sources.js';
import { GradebookTables } from './gradebook.tables.js';
import { KeptRowsRepository } from './kept-rows.repository.js';
import { GradebookLive } from './gradebook.live.js';
import { ControlPointsService } from './control-points.service.js';
import type { GradebookModel } from './gradebook.model.js';

export interface Actor {
  userId: string;
  role: Role;
}

/** How an actor may see a group's gradebook: the whole table (its teacher, admins) or their own row. */
export type Access = { group: GroupInfo; view: 'table'; manage: boolean } | { group: GroupInfo; view: 'own' };

/**
 * The gradebook of a group: rows are students; columns are lessons (attendance), homework and control
 * points. Teachers see and manage their groups, admins see every group read-only, a student sees only
 * their own row with the group's averages.
 */
export class GradebookService {
  readonly repo: GradebookRepository;
  readonly tables: GradebookTables;
  readonly live: GradebookLive;
  readonly controlPoints: ControlPointsService;

  constructor(
    private readonly infra: Infra,
    sources: { attendance: AttendanceSource | null; homework: HomeworkSource | null },
  ) {
    this.repo = new GradebookRepository(infra.orm);
    this.tables = new GradebookTables(infra, this.repo, new GradebookSources(this.repo, sources.attendance, sources.homework), new KeptRowsRepository(this.repo));
    this.live = new GradebookLive(infra, this.repo, this.tables);
    this.controlPoints = new ControlPointsService(infra, this.repo, (actor, groupId) => this.managed(actor, groupId), this.live);
    sources.attendance?.onMarksChanged((change) => this.live.changed(change.groupId, change.studentIds, `att:${change.lessonId}`));
    sources.homework?.onStandingChanged((change) => this.live.changed(change.groupId, change.studentIds, `hw:${change.homeworkId}`));
  }

  /** A student joined or left, or the group itself changed (from the groups module). */
  groupChanged(change: { kind: 'membership'; groupId: string; studentId: string } | { kind: 'group'; groupId: string }): Promise<void> {
    return change.kind === 'membership' ? this.live.changed(change.groupId, [change.studentId]) : this.live.changed(change.groupId, 'all');
  }

  /** A lesson was moved, renamed or cancelled: its attendance column may have changed or gone. */
  lessonChanged(groupId: string): Promise<void> {
    return this.live.changed(groupId, []);
  }

  // ---------------------------------------------------------------- access

  async access(actor: Actor, groupId: string): Promise<Access> {
    const group = await this.repo.group(groupId);
    if (group && (actor.role === 'admin' || group.teacherId === actor.userId)) return { group, view: 'table', manage: actor.role === 'teacher' };
    if (group && actor.role === 'student' && !group.archived && (await this.repo.isStudentOf(groupId, actor.userId))) return { group, view: 'own' };
    throw new AppError('group/not-found', 'Group not found');
  }

  /** The whole table (teacher of the group or an admin); others get 404, a student of the group 403. */
  async tableAccess(actor: Actor, groupId: string): Promise<GroupInfo> {
    const access = await this.access(actor, groupId);
    if (access.view !== 'table') throw new AppError('auth/forbidden', 'Only the teacher sees the whole gradebook');
    return access.group;
  }

  /** Changes: the group's own teacher only (admins read). */
  async managed(actor: Actor, groupId: string): Promise<GroupInfo> {
    const access = await this.access(actor, groupId);
    if (access.view !== 'table') throw new AppError('auth/forbidden', 'Only the teacher changes the gradebook');
    if (!access.manage) throw new AppError('auth/forbidden', 'Admins see gradebooks read-only');
    return access.group;
  }

  // ---------------------------------------------------------------- reads

  /** The table as the actor may see it: whole for the teacher and admins, one row for a student. */
  async gradebook(actor: Actor, groupId: string): Promise<GradebookDto> {
    const access = await this.access(actor, groupId);
    if (access.view === 'own') return this.tables.buildForStudent(access.group, actor.userId);
    return (await this.tables.build(access.group)).table;
  }

  /**
   * The same as `gradebook`, as JSON text: a whole table (about 1 MB for 300 × 200) is serialised
   * once per build, however many times it is handed out unchanged.
   */
  async gradebookJson(actor: Actor, groupId: string): Promise<string> {
    const access = await this.access(actor, groupId);
    if (access.view === 'own') return JSON.stringify(await this.tables.buildForStudent(access.group, actor.userId));
    const { table } = await this.tables.build(access.group);
    let text = this.serialised.get(table);
    if (text === undefined) this.serialised.set(table, (text = JSON.stringify(table)));
    return text;
  }

  private readonly serialised = new WeakMap<GradebookDto, string>();

  /** The model and table behind exports and dashboards (teacher or admin). */
  async fullTable(actor: Actor, groupId: string): Promise<{ model: GradebookModel; table: GradebookDto }> {
    const group = await this.tableAccess(actor, groupId);
    return this.tables.build(group);
  }

  /** The table behind a student's progress chart: the group's teacher or an admin, or that student. */
  async progressTable(actor: Actor, groupId: string, studentId: string): Promise<{ model: GradebookModel; table: GradebookDto; asStudent: boolean }> {
    const access = await this.access(actor, groupId);
    if (access.view === 'own' && studentId !== actor.userId) throw new AppError('auth/forbidden', 'Only your own progress');
    const built = await this.tables.build(access.group);
    if (!built.model.students.some((s) => s.id === studentId)) throw new AppError('group/student-not-found', 'Not a student of this group');
    return { ...built, asStudent: access.view === 'own' };
  }

  /** `GET /api/me/grades`: the student's groups, or their own row of one. */
  async myGrades(actor: Actor, groupId?: string): Promise<GradebookDto | MyGradeGroupsDto> {
    if (actor.role !== 'student') throw new AppError('auth/forbidden', 'Only students have grades');
    if (!groupId) return { groups: await this.repo.studentGroups(actor.userId) };
    const access = await this.access(actor, groupId);
    if (access.view !== 'own') throw new AppError('group/not-found', 'Group not found');
    return this.tables.buildForStudent(access.group, actor.userId);
  }

  // ---------------------------------------------------------------- settings

  async settings(actor: Actor, groupId: string): Promise<GradebookSettingsDto> {
    const group = await this.tableAccess(actor, groupId);
    return { groupId: group.id, ...(await this.tables.settings(group.id)) };
  }

  async saveSettings(actor: Actor, groupId: string, input: GradebookSettingsBody): Promise<GradebookSettingsDto> {
    const group = await this.managed(actor, groupId);
    const current = await this.tables.settings(group.id);
    const weights = input.weights ?? current.weights;
    const scale = input.scale === undefined ? current.scale : input.scale;
    await this.repo.saveSettings(group.id, weights, scale, this.infra.clock.now());
    await this.live.changed(group.id, 'all');
    return { groupId: group.id, weights, scale };
  }
}
