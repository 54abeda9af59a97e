import { rooms, type PoolSnapshotPayload } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { AccountsRepository } from './accounts.repository.js';
import { presentAccount, presentStats } from './pool.presenter.js';
import type { PoolPeers } from './pool.peers.js';

interface LessonRef {
  id: string;
  groupId: string;
  teacherId: string;
}

/**
 * Emits the pool's domain events after commit. Account changes are coalesced: a burst of starts and
 * ends on this node becomes one state read and one `pool:changed` per touched account, always the latest.
 */
export class PoolEvents {
  private readonly dirty = new Set<string>();
  private readonly dirtyLessons = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly infra: Infra,
    private readonly accounts: AccountsRepository,
    private readonly peers: () => PoolPeers,
    private readonly coalesceMs = 50,
  ) {}

  lessonLive(lesson: LessonRef, meeting: { meetingId: string; joinUrl: string; password: string | null }, startedAt: Date): void {
    // Join link and password only: the host link never travels over a shared room.
    const payload = {
      lessonId: lesson.id,
      groupId: lesson.groupId,
      teacherId: lesson.teacherId,
      meetingId: meeting.meetingId,
      joinUrl: meeting.joinUrl,
      password: meeting.password,
      startedAt: startedAt.toISOString(),
    };
    void this.infra.broadcaster.emit(rooms.group(lesson.groupId), 'lesson:live', payload);
    void this.infra.broadcaster.emit(rooms.teacher(lesson.teacherId), 'lesson:live', payload);
  }

  lessonEnded(lesson: LessonRef, endedAt: Date): void {
    const payload = { lessonId: lesson.id, groupId: lesson.groupId, teacherId: lesson.teacherId, endedAt: endedAt.toISOString() };
    void this.infra.broadcaster.emit(rooms.group(lesson.groupId), 'lesson:ended', payload);
    void this.infra.broadcaster.emit(rooms.teacher(lesson.teacherId), 'lesson:ended', payload);
  }

  /** The calendar shows the lesson's new state; coalesced like account changes (the notice re-reads the lesson). */
  lessonChanged(lessonId: string): void {
    this.dirtyLessons.add(lessonId);
    this.timer ??= setTimeout(() => void this.flush(), this.coalesceMs);
  }

  accountChanged(accountId: string): void {
    this.dirty.add(accountId);
    this.timer ??= setTimeout(() => void this.flush(), this.coalesceMs);
  }

  async snapshot(): Promise<PoolSnapshotPayload> {
    const [states, stats] = await Promise.all([this.accounts.states(), this.accounts.stats()]);
    return { accounts: states.map(presentAccount), stats: presentStats(stats), at: this.infra.clock.now().toISOString() };
  }

  /** Sends what is pending now (tests and shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const schedule = this.peers().schedule;
    for (const lessonId of this.dirtyLessons) {
      schedule?.notifyLessonChanged(lessonId).catch((error: unknown) => this.infra.logger.warn({ err: String(error), lessonId }, 'calendar notify failed'));
    }
    this.dirtyLessons.clear();
    if (!this.dirty.size) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    try {
      const [states, stats] = await Promise.all([this.accounts.states(ids), this.accounts.stats()]);
      for (const state of states) {
        void this.infra.broadcaster.emit(rooms.adminPool, 'pool:changed', { account: presentAccount(state), stats: presentStats(stats) });
      }
    } catch (error) {
      this.infra.logger.warn({ err: String(error) }, 'pool:changed not sent');
    }
  }
}
