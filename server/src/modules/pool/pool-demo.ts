import { randomUUID } from 'node:crypto';
import type { DemoMeetingDto, Role } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import { DemoParticipantsRepository, type DemoParticipant } from './demo-participants.repository.js';
import type { PoolLesson } from './pool.repository.js';
import type { PoolCore } from './pool.core.js';

/** Who opens the demo meeting page: a signed-in user, or nobody we know. */
export type DemoViewer = { userId: string; role: Role } | null;

/**
 * The built-in demo provider's meeting page: which lesson, whether it runs, since when, and who really
 * opened it. A person counts when signed in as the lesson's teacher or a student of its group, or when
 * holding the host link (only the teacher gets it); only they see the list.
 */
export class DemoMeetingFlow {
  private readonly participants: DemoParticipantsRepository;

  constructor(private readonly core: PoolCore) {
    this.participants = new DemoParticipantsRepository(core.infra.orm);
  }

  async view(meetingId: string, hostToken: string | undefined, viewer: DemoViewer): Promise<DemoMeetingDto> {
    const { repo, infra, providers, events } = this.core;
    const lesson = await repo.findLessonByMeeting('demo', meetingId);
    if (!lesson) throw new AppError('lesson/not-found', 'No such demo meeting');
    const host = providers.demo.isHostToken(meetingId, hostToken);
    const status = meetingStatus(lesson, meetingId);
    const participant = host ? { userId: lesson.teacherId, role: 'teacher' as const } : await this.participantOf(lesson, viewer);
    if (participant && status === 'live') {
      const fresh = await this.participants.record(meetingId, lesson.id, participant.userId, participant.role, infra.clock.now());
      if (fresh) events.meetingJoined(lesson, meetingId, (await this.participants.list(meetingId)).map(present));
    }
    return {
      meetingId,
      lessonId: lesson.id,
      lessonTitle: lesson.title,
      groupName: lesson.groupName,
      status,
      host,
      startedAt: lesson.startedAt?.toISOString() ?? null,
      serverNow: infra.clock.now().toISOString(),
      participants: participant ? (await this.participants.list(meetingId)).map(present) : [],
      counted: participant !== null,
    };
  }

  /**
   * The page is open on a socket: a lesson's person starts a stay while the meeting runs (and is
   * counted as joined, as by opening the page). Null when the caller is not one of the lesson's people.
   */
  async enter(meetingId: string, hostToken: string | undefined, viewer: DemoViewer): Promise<string | null> {
    const { repo, infra, providers, events } = this.core;
    const lesson = await repo.findLessonByMeeting('demo', meetingId);
    if (!lesson || meetingStatus(lesson, meetingId) !== 'live') return null;
    const host = providers.demo.isHostToken(meetingId, hostToken);
    const participant = host ? { userId: lesson.teacherId, role: 'teacher' as const } : await this.participantOf(lesson, viewer);
    if (!participant) return null;
    const now = infra.clock.now();
    const stayId = randomUUID();
    const [fresh] = await Promise.all([
      this.participants.record(meetingId, lesson.id, participant.userId, participant.role, now),
      this.participants.openStay({ id: stayId, meetingId, lessonId: lesson.id, ...participant }, now),
    ]);
    if (fresh) events.meetingJoined(lesson, meetingId, (await this.participants.list(meetingId)).map(present));
    return stayId;
  }

  /** The page was closed (or its socket went away): the stay ends now. */
  leave(stayId: string): Promise<void> {
    return this.participants.closeStay(stayId, this.core.infra.clock.now());
  }

  private async participantOf(lesson: PoolLesson, viewer: DemoViewer): Promise<{ userId: string; role: 'teacher' | 'student' } | null> {
    if (!viewer) return null;
    if (viewer.role === 'teacher' && viewer.userId === lesson.teacherId) return { userId: viewer.userId, role: 'teacher' };
    if (viewer.role !== 'student') return null;
    const groups = this.core.peers().groups;
    const member = groups ? await groups.isMember(lesson.groupId, viewer.userId) : await this.core.repo.isGroupMember(lesson.groupId, viewer.userId);
    return member ? { userId: viewer.userId, role: 'student' } : null;
  }
}

/**
 * The meeting runs while it is the lesson's current one and the lesson is live. A lesson restarted after
 * a mistaken end is `scheduled` again with its old meeting until the new one is stored: that old one is over.
 */
function meetingStatus(lesson: PoolLesson, meetingId: string): DemoMeetingDto['status'] {
  if (lesson.meetingId !== meetingId) return 'completed';
  return lesson.status === 'scheduled' ? 'completed' : lesson.status;
}

const present = (p: DemoParticipant) => ({ userId: p.userId, name: p.name, role: p.role, joinedAt: p.joinedAt.toISOString() });
