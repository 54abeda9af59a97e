import { randomUUID } from 'node:crypto';
import { rooms, type AttendanceSettingsDto, type AttendanceStatus, type LessonAttendanceDto, type MyAttendanceDto, type Role } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { ScheduleService } from '../schedule/schedule.service.js';
import type { PoolService } from '../pool/pool.service.js';
import type { ParticipantListener } from '../webhooks/webhooks.service.js';
import { AttendanceRepository, type AttendanceLesson } from './attendance.repository.js';
import { presentLesson, presentMark, presentMyAttendance } from './attendance.presenter.js';
import { suggestStatuses, unmatchedParticipants, type Stay } from './suggestions.js';

export interface Actor {
  userId: string;
  role: Role;
}

export interface MarksChange {
  groupId: string;
  lessonId: string;
  studentIds: string[];
}
export type MarksListener = (change: MarksChange) => void | Promise<void>;

/** One participant event from the meeting provider, already tied to the lesson whose meeting it is. */
export type ParticipantEvent = Parameters<ParticipantListener>[0];

export interface AttendancePeers {
  groups: Pick<GroupsService, 'canRead' | 'get'>;
  schedule: Pick<ScheduleService, 'getEvent' | 'materializeEvent'>;
  pool: () => Pick<PoolService, 'demoStudentJoins'>;
}

type MarkInput = { studentId: string; status: AttendanceStatus; comment?: string | null };

/**
 * Attendance per lesson and student: the teacher's marks, the group's points and lateness threshold,
 * suggestions from who was in the meeting, a student's own record, and the reads the gradebook uses.
 */
export class AttendanceService {
  private readonly repo: AttendanceRepository;
  private readonly listeners: MarksListener[] = [];

  constructor(
    private readonly infra: Pick<Infra, 'orm' | 'clock' | 'logger' | 'broadcaster'>,
    private readonly peers: AttendancePeers,
  ) {
    this.repo = new AttendanceRepository(infra.orm);
  }

  // ---- Contract for the gradebook ----

  gradebookColumns(groupId: string) {
    return this.repo.gradebookColumns(groupId);
  }

  gradebookCells(groupId: string, studentId?: string) {
    return this.repo.gradebookCells(groupId, studentId);
  }

  /** Told after a save of marks commits, and per marked lesson after the group's settings change. */
  onMarksChanged(listener: MarksListener): void {
    this.listeners.push(listener);
  }

  // ---- The marking view ----

  /** The lesson's roster, marks, settings and suggestions: its teacher and admins only. */
  async lessonAttendance(actor: Actor, eventId: string): Promise<LessonAttendanceDto> {
    if (actor.role === 'student') throw new AppError('auth/forbidden', 'Students see their own attendance only');
    const { event, lesson: storedDto } = await this.peers.schedule.getEvent(actor, eventId);
    if (actor.role !== 'admin' && event.teacherId !== actor.userId) throw new AppError('lesson/not-found', 'Lesson not found');
    const canEdit = actor.role === 'teacher';
    const stored = storedDto ? await this.repo.lesson(storedDto.id) : null;
    const [roster, settings] = await Promise.all([this.repo.roster(event.groupId), this.repo.settings(event.groupId)]);
    const base = { lesson: presentLesson(eventId, event, stored), canEdit, settings, roster, marks: [], suggestions: [], unmatched: [], assigned: [] };
    if (!stored) return base;
    const [marks, meeting] = await Promise.all([this.repo.marks(stored.id), this.meetingView(stored, roster.map((s) => s.id), settings)]);
    return { ...base, marks: marks.map(presentMark), ...meeting };
  }

  /** `PUT /api/lessons/:id/attendance`: all marks or none; an occurrence is stored on its first mark. */
  async saveMarks(actor: Actor, eventId: string, marks: MarkInput[]): Promise<LessonAttendanceDto> {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', "Only the group's teacher marks attendance");
    const { event } = await this.peers.schedule.getEvent(actor, eventId);
    if (event.teacherId !== actor.userId) throw new AppError('lesson/not-found', 'Lesson not found');
    if (event.status === 'cancelled') throw new AppError('lesson/not-editable', 'The lesson is cancelled');
    const roster = new Set((await this.repo.roster(event.groupId)).map((s) => s.id));
    const strangers = marks.flatMap((m, i) => (roster.has(m.studentId) ? [] : [[`marks.${i}.studentId`, 'not a student of this group'] as const]));
    if (strangers.length) throw new AppError('request/invalid', 'Marks only for the group’s students', { fields: Object.fromEntries(strangers) });
    const lesson = await this.peers.schedule.materializeEvent(actor, eventId);
    const rows = marks.map((m) => ({ studentId: m.studentId, status: m.status, comment: m.comment?.length ? m.comment : null }));
    await this.repo.saveMarks(lesson, rows, actor.userId, this.infra.clock.now());
    await this.tell({ groupId: lesson.groupId, lessonId: lesson.id, studentIds: rows.map((r) => r.studentId) });
    this.announce(rooms.group(lesson.groupId), { groupId: lesson.groupId, lessonId: lesson.id, reason: 'marks' });
    return this.lessonAttendance(actor, lesson.id);
  }

  /** The teacher says which student an unmatched meeting participant was (null: nobody). */
  async assignParticipant(actor: Actor, eventId: string, participantKey: string, studentId: string | null): Promise<LessonAttendanceDto> {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', "Only the group's teacher assigns participants");
    const { event, lesson } = await this.peers.schedule.getEvent(actor, eventId);
    if (event.teacherId !== actor.userId || !lesson) throw new AppError('lesson/not-found', 'Lesson not found');
    if (studentId && !(await this.repo.roster(event.groupId)).some((s) => s.id === studentId)) {
      throw new AppError('request/invalid', 'Not a student of this group', { fields: { studentId: 'not a student of this group' } });
    }
    if (!(await this.repo.assignParticipant(lesson.id, participantKey, studentId))) throw new AppError('request/not-found', 'No such participant');
    return this.lessonAttendance(actor, lesson.id);
  }

  // ---- Settings ----

  async settings(actor: Actor, groupId: string): Promise<AttendanceSettingsDto> {
    if (!(await this.peers.groups.canRead(actor, groupId))) throw new AppError('group/not-found', 'Group not found');
    return this.repo.settings(groupId);
  }

  async saveSettings(actor: Actor, groupId: string, settings: AttendanceSettingsDto): Promise<AttendanceSettingsDto> {
    if (!(await this.peers.groups.canRead(actor, groupId))) throw new AppError('group/not-found', 'Group not found');
    const group = await this.peers.groups.get(actor, groupId);
    if (actor.role !== 'teacher' || group.teacherId !== actor.userId) throw new AppError('auth/forbidden', "Only the group's teacher changes its attendance settings");
    await this.repo.saveSettings(groupId, settings, this.infra.clock.now());
    for (const lesson of await this.repo.markedByLesson(groupId)) await this.tell({ groupId, ...lesson });
    this.announce(rooms.group(groupId), { groupId, lessonId: null, reason: 'settings' });
    return this.repo.settings(groupId);
  }

  // ---- A student's own record ----

  async mine(actor: Actor, groupId: string | undefined): Promise<MyAttendanceDto> {
    if (actor.role !== 'student') throw new AppError('auth/forbidden', 'Only students have their own attendance');
    const groups = await this.repo.studentGroups(actor.userId);
    const chosen = groupId ?? groups[0]?.id ?? null;
    if (groupId && !groups.some((g) => g.id === groupId)) throw new AppError('group/not-found', 'Group not found');
    if (!chosen) return presentMyAttendance(groups, null, null, []);
    const [settings, marks] = await Promise.all([this.repo.settings(chosen), this.repo.studentMarks(chosen, actor.userId)]);
    return presentMyAttendance(groups, chosen, settings, marks);
  }

  // ---- Meeting participation ----

  /** Records a provider's participant joined/left event (idempotent: a repeat changes nothing). */
  async recordParticipant(event: ParticipantEvent): Promise<boolean> {
    const recorded = event.kind === 'joined' ? (await this.repo.recordJoin(event, randomUUID()), true) : await this.repo.recordLeave(event.lessonId, event.participantKey, event.at);
    const lesson = recorded ? await this.repo.lesson(event.lessonId) : null;
    if (lesson) this.announce(rooms.teacher(lesson.teacherId), { groupId: lesson.groupId, lessonId: lesson.id, reason: 'participants' });
    return recorded;
  }

  /** Tells open views to re-read (the event carries no marks); a failed push is logged only. */
  private announce(room: string, payload: { groupId: string; lessonId: string | null; reason: 'marks' | 'settings' | 'participants' }): void {
    this.infra.broadcaster.emit(room, 'attendance:changed', payload).catch((error: unknown) => this.infra.logger.warn({ err: String(error), room }, 'attendance notice failed'));
  }

  private async meetingView(lesson: AttendanceLesson, studentIds: string[], settings: AttendanceSettingsDto): Promise<Pick<LessonAttendanceDto, 'suggestions' | 'unmatched' | 'assigned'>> {
    const ran = lesson.startedAt !== null || lesson.meetingId !== null;
    if (!ran) return { suggestions: [], unmatched: [], assigned: [] };
    const now = this.infra.clock.now();
    const until = new Date(Math.min(now.getTime(), lesson.endAt.getTime()));
    const [participants, demoJoins] = await Promise.all([this.repo.participants(lesson), this.peers.pool().demoStudentJoins(lesson.id)]);
    const stays: Stay[] = [
      ...participants.flatMap((p) => (p.studentId && !p.isTeacher ? [{ studentId: p.studentId, source: 'zoom' as const, joinedAt: p.joinedAt, leftAt: p.leftAt }] : [])),
      ...demoJoins.map((j) => ({ studentId: j.userId, source: 'demo' as const, joinedAt: j.joinedAt, leftAt: j.leftAt })),
    ];
    const startAt = new Date(Math.max(lesson.startAt.getTime(), lesson.startedAt?.getTime() ?? 0));
    const assigned = new Map(participants.filter((p) => p.assigned && p.studentId).map((p) => [p.participantKey, { participantKey: p.participantKey, name: p.name, studentId: p.studentId! }]));
    return {
      suggestions: suggestStatuses({ studentIds, startAt, endAt: lesson.endAt, lateAfterMinutes: settings.lateAfterMinutes, stays, now }),
      unmatched: unmatchedParticipants(participants, until),
      assigned: [...assigned.values()],
    };
  }

  private async tell(change: MarksChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (error) {
        this.infra.logger.warn({ err: String(error), lessonId: change.lessonId }, 'attendance listener failed');
      }
    }
  }
}
