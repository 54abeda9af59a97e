import { randomInt, randomUUID } from 'node:crypto';
import { rooms, type GroupDto, type Role } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import { GroupsRepository, type GroupRow } from './groups.repository.js';
import { toGroupDto } from './groups.presenter.js';
import type { AuditService } from '../audit/audit.service.js';

export interface Actor {
  userId: string;
  role: Role;
}

/** What changed about a group, for modules whose views depend on groups (the calendar). */
export type GroupChange =
  | { kind: 'membership'; groupId: string; teacherId: string; studentId: string; joined: boolean }
  | { kind: 'group'; groupId: string; teacherId: string; archivedChanged: boolean; archived: boolean };

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newInviteCode = () => Array.from({ length: 10 }, () => INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]).join('');

/** Runs `save` only if the group's rules fit the teacher's schedule again (else throws). */
export type UnarchiveGuard = (teacherId: string, groupId: string, save: () => Promise<unknown>) => Promise<unknown>;

export class GroupsService {
  private readonly repo: GroupsRepository;
  private readonly listeners: Array<(change: GroupChange) => Promise<void>> = [];

  constructor(
    private readonly infra: Infra,
    private readonly audit: Pick<AuditService, 'record'>,
  ) {
    this.repo = new GroupsRepository(infra.orm);
  }

  /** Set by the composition root: the schedule vets a group's rules coming back from the archive. */
  private unarchiveGuard: UnarchiveGuard = (_teacherId, _groupId, save) => save();

  guardUnarchive(guard: UnarchiveGuard): void {
    this.unarchiveGuard = guard;
  }

  /** Called after every committed change to a group or its members. */
  onChange(listener: (change: GroupChange) => Promise<void>): void {
    this.listeners.push(listener);
  }

  async create(actor: Actor, name: string): Promise<GroupDto> {
    this.requireTeacher(actor);
    const id = randomUUID();
    await this.repo.insert({ id, teacherId: actor.userId, name, inviteCode: newInviteCode() });
    return toGroupDto((await this.repo.find(id))!, { showInvite: true });
  }

  async list(actor: Actor, filter: { archived?: boolean; teacherId?: string }): Promise<GroupDto[]> {
    if (filter.teacherId && actor.role !== 'admin') throw new AppError('auth/forbidden', 'Only admins filter by teacher');
    if (actor.role === 'student') {
      const groups = await this.repo.list({ studentId: actor.userId, archived: false });
      return groups.map((g) => toGroupDto(g, { showInvite: false }));
    }
    const teacherId = actor.role === 'teacher' ? actor.userId : filter.teacherId;
    const groups = await this.repo.list({ teacherId, archived: filter.archived });
    return groups.map((g) => toGroupDto(g, { showInvite: true }));
  }

  async get(actor: Actor, groupId: string): Promise<GroupDto> {
    const group = await this.readable(actor, groupId);
    const manages = actor.role === 'admin' || group.teacherId === actor.userId;
    return toGroupDto(group, { showInvite: manages, students: manages ? await this.repo.members(groupId) : undefined });
  }

  async update(actor: Actor, groupId: string, changes: { name?: string; archived?: boolean }): Promise<GroupDto> {
    const group = await this.owned(actor, groupId);
    const archivedChanged = changes.archived !== undefined && changes.archived !== (group.archivedAt !== null);
    const renamed = changes.name !== undefined && changes.name !== group.name;
    const save = () =>
      this.repo.update(groupId, {
        name: changes.name,
        archivedAt: archivedChanged ? (changes.archived ? this.infra.clock.now() : null) : undefined,
      });
    // Un-archived, the group's rules expand again: they must not land on what was scheduled meanwhile.
    if (archivedChanged && !changes.archived) await this.unarchiveGuard(group.teacherId, groupId, save);
    else await save();
    if (renamed || archivedChanged) {
      await this.notify({ kind: 'group', groupId, teacherId: group.teacherId, archivedChanged, archived: changes.archived ?? group.archivedAt !== null });
    }
    return this.get(actor, groupId);
  }

  async addStudent(actor: Actor, groupId: string, email: string): Promise<GroupDto> {
    const group = await this.owned(actor, groupId);
    if (group.archivedAt) throw new AppError('group/archived', 'The group is archived');
    const student = await this.repo.findStudentByEmail(email);
    if (!student) throw new AppError('group/student-not-found', 'No student with this email');
    if (await this.repo.addMember(groupId, student.id)) await this.membershipChanged(actor, group, student.id, true);
    return this.get(actor, groupId);
  }

  async removeStudent(actor: Actor, groupId: string, studentId: string): Promise<GroupDto> {
    const group = await this.owned(actor, groupId);
    if (!(await this.repo.removeMember(groupId, studentId))) throw new AppError('group/student-not-found', 'The student is not in this group');
    await this.membershipChanged(actor, group, studentId, false);
    return this.get(actor, groupId);
  }

  async regenerateInvite(actor: Actor, groupId: string): Promise<GroupDto> {
    await this.owned(actor, groupId);
    await this.repo.setInviteCode(groupId, newInviteCode());
    return this.get(actor, groupId);
  }

  /** A student joins by invite code; joining twice is harmless. */
  async join(actor: Actor, code: string): Promise<GroupDto> {
    if (actor.role !== 'student') throw new AppError('auth/forbidden', 'Only students join groups');
    const group = await this.repo.findByInviteCode(code.trim().toUpperCase());
    if (!group || group.archivedAt) throw new AppError('group/invite-invalid', 'This invite code is not valid');
    if (await this.repo.addMember(group.id, actor.userId)) await this.membershipChanged(actor, group, actor.userId, true);
    return this.get(actor, group.id);
  }

  // Contract for other modules.
  isMember(groupId: string, userId: string): Promise<boolean> {
    return this.repo.isMember(groupId, userId);
  }

  studentIds(groupId: string): Promise<string[]> {
    return this.repo.studentIds(groupId);
  }

  groupIdsForStudent(userId: string): Promise<string[]> {
    return this.repo.groupIdsForStudent(userId);
  }

  /** The group a teacher schedules into: theirs, not archived. Others' groups are invisible (404). */
  async groupForScheduling(actor: Actor, groupId: string): Promise<GroupRow> {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', 'Only teachers schedule lessons');
    const group = await this.owned(actor, groupId);
    if (group.archivedAt) throw new AppError('group/archived', 'The group is archived');
    return group;
  }

  /** Whether the actor may see the group's lessons: its teacher, an admin, or a member. */
  /** The group's active students as mail recipients (for other modules' notices). */
  recipients(groupId: string): Promise<Array<{ id: string; email: string; firstName: string; locale: string }>> {
    return this.repo.recipients(groupId);
  }

  async canRead(actor: Actor, groupId: string): Promise<boolean> {
    const group = await this.repo.find(groupId);
    if (!group) return false;
    if (actor.role === 'admin' || group.teacherId === actor.userId) return true;
    return actor.role === 'student' && !group.archivedAt && (await this.repo.isMember(groupId, actor.userId));
  }

  private async readable(actor: Actor, groupId: string): Promise<GroupRow> {
    const group = await this.repo.find(groupId);
    if (group && (actor.role === 'admin' || group.teacherId === actor.userId)) return group;
    if (group && actor.role === 'student' && (await this.repo.isMember(groupId, actor.userId))) return group;
    throw new AppError('group/not-found', 'Group not found');
  }

  private async owned(actor: Actor, groupId: string): Promise<GroupRow> {
    this.requireTeacher(actor);
    const group = await this.repo.find(groupId);
    if (!group || group.teacherId !== actor.userId) throw new AppError('group/not-found', 'Group not found');
    return group;
  }

  private requireTeacher(actor: Actor): void {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', 'Only teachers manage groups');
  }

  private async membershipChanged(actor: Actor, group: GroupRow, studentId: string, joined: boolean): Promise<void> {
    // A student joining by invite is recorded as such; a teacher adding or removing as theirs.
    const action = joined ? (actor.userId === studentId ? 'group.member.join' : 'group.member.add') : 'group.member.remove';
    await this.audit.record({ actor, action, outcome: 'ok', detail: { groupId: group.id, groupName: group.name, studentId } });
    const user = rooms.user(studentId);
    if (joined) this.infra.broadcaster.join(user, rooms.group(group.id));
    else this.infra.broadcaster.leave(user, rooms.group(group.id));
    await this.notify({ kind: 'membership', groupId: group.id, teacherId: group.teacherId, studentId, joined });
  }

  private async notify(change: GroupChange): Promise<void> {
    for (const listener of this.listeners) {
      // A failed live push must not fail the change that already committed.
      await listener(change).catch((error) => this.infra.logger.warn({ err: String(error), change }, 'group change listener failed'));
    }
  }
}
