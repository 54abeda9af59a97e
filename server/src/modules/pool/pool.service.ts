import { parseOccurrenceId, type DemoMeetingDto, type MeetingDto, type ProviderName, type ReleaseReason } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { ProviderRegistry } from '../meetings/providers/index.js';
import type { AuditService } from '../audit/audit.service.js';
import { AccountsRepository } from './accounts.repository.js';
import { PoolRepository, type PoolLesson } from './pool.repository.js';
import { PoolEvents } from './pool.events.js';
import { StartFlow, type StartResult } from './pool-start.js';
import { ReleaseFlow, type ReleaseOutcome } from './pool-release.js';
import { presentMeeting } from './pool.presenter.js';
import { DemoMeetingFlow, type DemoViewer } from './pool-demo.js';
import { DemoParticipantsRepository } from './demo-participants.repository.js';
import type { PoolCore } from './pool.core.js';
import type { Actor, PoolPeers } from './pool.peers.js';

/** The meeting pool: start, end, read and release lessons' meetings over the pooled accounts. */
export class PoolService {
  readonly core: PoolCore;
  private readonly starts: StartFlow;
  private readonly releases: ReleaseFlow;
  private readonly demo: DemoMeetingFlow;

  constructor(infra: Infra, providers: ProviderRegistry, audit: AuditService, peers: () => PoolPeers) {
    const accounts = new AccountsRepository(infra.orm);
    const repo = new PoolRepository(infra.orm);
    const events = new PoolEvents(infra, accounts, peers);
    this.core = { infra, repo, accounts, providers, events, audit, peers };
    this.starts = new StartFlow(this.core);
    this.releases = new ReleaseFlow(this.core);
    this.demo = new DemoMeetingFlow(this.core);
  }

  /** `POST /api/lessons/:id/start` — the lesson's teacher gets the meeting (the same one on a repeat). */
  async startLesson(actor: Actor, eventId: string, idempotencyKey?: string): Promise<StartResult> {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', "Only the lesson's teacher can start it");
    const lessonId = parseOccurrenceId(eventId) ? (await this.lesson(actor, eventId, true)).id : eventId;
    return this.starts.start(actor, lessonId, idempotencyKey);
  }

  /**
   * `POST /api/lessons/:id/restart` — a lesson ended by mistake starts again on a new meeting while its
   * time lasts. It becomes startable again and goes through the ordinary start (same fence, same room
   * choice); a lesson not ended is simply started (a repeat press gets the running meeting).
   */
  async restartLesson(actor: Actor, eventId: string, idempotencyKey?: string): Promise<StartResult> {
    if (actor.role !== 'teacher') throw new AppError('auth/forbidden', "Only the lesson's teacher can start it");
    const lesson = await this.lesson(actor, eventId, false);
    if (lesson.teacherId !== actor.userId) throw new AppError('auth/forbidden', "Only the lesson's teacher can start it");
    const now = this.core.infra.clock.now();
    if (lesson.status === 'completed') {
      if (now.getTime() >= lesson.endAt.getTime()) throw new AppError('lesson/not-startable', 'The lesson is over');
      if (await this.core.repo.reopenLesson(lesson.id, actor.userId, now)) {
        await this.core.audit.record({ actor, action: 'lesson.restart', lessonId: lesson.id, outcome: 'ok', detail: { previousMeetingId: lesson.meetingId } });
        this.core.events.lessonChanged(lesson.id);
      }
    }
    return this.starts.start(actor, lesson.id, idempotencyKey);
  }

  /** `POST /api/lessons/:id/end` — the teacher ends the meeting and frees the room. */
  async endLesson(actor: Actor, eventId: string): Promise<{ lessonId: string; status: PoolLesson['status'] }> {
    const lesson = await this.lesson(actor, eventId, false);
    if (lesson.teacherId !== actor.userId) throw new AppError('auth/forbidden', "Only the lesson's teacher can end it");
    if (lesson.status === 'completed') return { lessonId: lesson.id, status: 'completed' };
    if (!lesson.leaseId && lesson.status !== 'live') throw new AppError('lesson/not-live', 'The lesson is not running');
    const outcome = await this.releases.releaseLesson(lesson, 'teacher', actor);
    return { lessonId: lesson.id, status: outcome.lessonCompleted ? 'completed' : ((await this.core.repo.findLesson(lesson.id))?.status ?? lesson.status) };
  }

  /** `GET /api/lessons/:id/meeting` — students of the group get the join link; the teacher also the host link. */
  async meetingFor(actor: Actor, eventId: string): Promise<MeetingDto> {
    const lesson = await this.lesson(actor, eventId, false);
    const isTeacher = lesson.teacherId === actor.userId;
    if (!isTeacher) {
      const member = actor.role === 'student' && (await this.isMember(lesson.groupId, actor.userId));
      if (!member) throw new AppError('auth/forbidden', 'Only the group and its teacher see this meeting');
    }
    if (lesson.status !== 'live' || !lesson.meetingId || !lesson.joinUrl) throw new AppError('lesson/not-live', 'The lesson is not running');
    if (!isTeacher) return presentMeeting({ lessonId: lesson.id, meetingId: lesson.meetingId, joinUrl: lesson.joinUrl, startUrl: null, password: lesson.password }, false);
    return presentMeeting(await this.starts.existing(lesson), true);
  }

  /** One idempotent release, by lesson. */
  async release(target: { lessonId: string } | { provider: ProviderName; meetingId: string }, reason: ReleaseReason, actor: Actor | null): Promise<ReleaseOutcome> {
    if ('meetingId' in target) return this.releases.releaseByMeeting(target.provider, target.meetingId, reason, actor);
    const lesson = await this.core.repo.findLesson(target.lessonId);
    if (!lesson) return { released: false, lessonId: null, lessonCompleted: false };
    return this.releases.releaseLesson(lesson, reason, actor);
  }

  /** The provider reports the meeting ended (webhook, demo End button). Unknown or late → nothing. */
  releaseByMeeting(provider: ProviderName, meetingId: string, reason: ReleaseReason = 'webhook'): Promise<ReleaseOutcome> {
    return this.releases.releaseByMeeting(provider, meetingId, reason, null);
  }

  /** The provider reports the meeting started: the lesson is live (an ended lesson stays ended). */
  async markStartedByMeeting(provider: ProviderName, meetingId: string): Promise<boolean> {
    const { repo, infra, events } = this.core;
    const before = await repo.findLessonByMeeting(provider, meetingId);
    if (!before) return false;
    const lessonId = await repo.markStarted(provider, meetingId, infra.clock.now());
    if (!lessonId) return false;
    if (before.status !== 'live' && before.meetingId && before.joinUrl) {
      events.lessonLive(before, { meetingId: before.meetingId, joinUrl: before.joinUrl, password: before.password }, infra.clock.now());
      events.lessonChanged(before.id);
    }
    return true;
  }

  releaseAccount(accountId: string, actor: Actor, reason: string): Promise<number> {
    return this.releases.releaseAccount(accountId, actor, reason);
  }

  sweep(): Promise<{ released: number; repaired: number }> {
    return this.releases.sweep();
  }

  /** The demo meeting page: which lesson, whether it runs, since when, who joined (opening it as a participant records the join). */
  demoMeeting(meetingId: string, hostToken: string | undefined, viewer: DemoViewer = null): Promise<DemoMeetingDto> {
    return this.demo.view(meetingId, hostToken, viewer);
  }

  /** Students' stays on the lesson's demo meeting page, each from its join to its leave (for attendance suggestions). */
  demoStudentJoins(lessonId: string): Promise<Array<{ userId: string; joinedAt: Date; leftAt: Date | null }>> {
    return new DemoParticipantsRepository(this.core.infra.orm).studentJoins(lessonId);
  }

  /** The demo meeting page is open on a socket: the stay's id, or null when the caller is not counted. */
  enterDemoMeeting(meetingId: string, hostToken: string | undefined, viewer: DemoViewer): Promise<string | null> {
    return this.demo.enter(meetingId, hostToken, viewer);
  }

  /** The page closed or its socket went away. */
  leaveDemoMeeting(stayId: string): Promise<void> {
    return this.demo.leave(stayId);
  }

  /** The demo page's End button: the same path as the provider's meeting-ended webhook. */
  async endDemoMeeting(meetingId: string, hostToken: string): Promise<DemoMeetingDto> {
    if (!this.core.providers.demo.isHostToken(meetingId, hostToken)) throw new AppError('auth/forbidden', 'Only the host can end the meeting');
    await this.releaseByMeeting('demo', meetingId, 'webhook');
    return this.demoMeeting(meetingId, hostToken);
  }

  private async isMember(groupId: string, userId: string): Promise<boolean> {
    const groups = this.core.peers().groups;
    return groups ? groups.isMember(groupId, userId) : this.core.repo.isGroupMember(groupId, userId);
  }

  /** Resolves a calendar event id to the stored lesson; a start may materialise an occurrence. */
  private async lesson(actor: Actor, eventId: string, materialize: boolean): Promise<PoolLesson> {
    let lessonId: string | null = eventId;
    const occurrence = parseOccurrenceId(eventId);
    if (occurrence) {
      const schedule = this.core.peers().schedule;
      if (materialize && schedule) lessonId = (await schedule.materializeEvent({ userId: actor.userId, role: actor.role }, eventId)).id;
      else lessonId = await this.core.repo.findOccurrenceId(occurrence.ruleId, occurrence.date);
    }
    const lesson = lessonId ? await this.core.repo.findLesson(lessonId) : null;
    if (!lesson) throw new AppError('lesson/not-found', 'Lesson not found');
    return lesson;
  }
}
