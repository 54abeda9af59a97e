import { randomUUID } from 'node:crypto';
import { LIMITS, rooms, type DemoParticipantDto, type PoolSnapshotPayload } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import type { AccountsRepository } from './accounts.repository.js';
import { presentAccount, presentStats } from './pool.presenter.js';
import type { PoolPeers } from './pool.peers.js';

interface LessonRef {
  id: string;
  groupId: string;
  teacherId: string;
}

/** Account updates reach a node's sockets at most this often: a watching socket gets at most 10 a second. */
const POOL_UPDATE_INTERVAL_MS = Math.ceil(1000 / LIMITS.poolUpdatesPerSecond);
/** Nodes tell each other which accounts changed; each node reads and delivers to its own sockets. */
const DIRTY_CHANNEL = 'tp:pool-dirty';

/**
 * Emits the pool's domain events after commit. Account changes are coalesced: a burst of starts and
 * ends becomes one state read and one `pool:changed` carrying every touched account in its latest state,
 * at most once per interval, the last update always following the last change. With Redis, changed ids
 * are published to every node and each node delivers to its own sockets, so the per-socket limit holds
 * however many nodes (or the worker) make changes.
 */
export class PoolEvents {
  private readonly dirty = new Set<string>();
  private readonly dirtyLessons = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private accountTimer: NodeJS.Timeout | null = null;
  private accountsInFlight = false;
  /** When the last update left, so the next one waits out the interval. */
  private lastAccountFlush = 0;

  private readonly nodeId = randomUUID();
  private readonly toPublish = new Set<string>();
  private publishTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly infra: Infra,
    private readonly accounts: AccountsRepository,
    private readonly peers: () => PoolPeers,
    private readonly coalesceMs = 50,
  ) {
    if (infra.redis) this.listenToPeers(infra.redis);
  }

  private listenToPeers(redis: NonNullable<Infra['redis']>): void {
    const subscriber = redis.duplicate();
    subscriber.on('error', () => {});
    subscriber.subscribe(DIRTY_CHANNEL).catch((error: unknown) => this.infra.logger.warn({ err: String(error) }, 'pool change channel unavailable'));
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const { node, ids } = JSON.parse(message) as { node: string; ids: string[] };
        if (node === this.nodeId || !Array.isArray(ids)) return;
        for (const id of ids) if (typeof id === 'string') this.dirty.add(id);
        this.scheduleAccounts();
      } catch {
        // Not ours: ignore.
      }
    });
    this.infra.onClose(async () => subscriber.disconnect());
  }

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

  /** Only the teacher is told who released the room and why; the group just sees the lesson end. */
  lessonReleased(lesson: LessonRef & { title: string; groupName: string }, releasedBy: { id: string; name: string }, reason: string, at: Date): void {
    const payload = { lessonId: lesson.id, lessonTitle: lesson.title, groupName: lesson.groupName, releasedBy, reason, at: at.toISOString() };
    void this.infra.broadcaster.emit(rooms.teacher(lesson.teacherId), 'lesson:released', payload);
  }

  /** Someone joined the demo meeting: the pages open for it (the group's and the teacher's) show who is there. */
  meetingJoined(lesson: LessonRef, meetingId: string, participants: DemoParticipantDto[]): void {
    const payload = { lessonId: lesson.id, meetingId, participants };
    void this.infra.broadcaster.emit(rooms.group(lesson.groupId), 'meeting:joined', payload);
    void this.infra.broadcaster.emit(rooms.teacher(lesson.teacherId), 'meeting:joined', payload);
  }

  /** The calendar shows the lesson's new state; coalesced like account changes (the notices re-read the lessons in one query). */
  lessonChanged(lessonId: string): void {
    this.dirtyLessons.add(lessonId);
    this.timer ??= setTimeout(() => this.flushLessons(), this.coalesceMs);
  }

  accountChanged(accountId: string): void {
    this.dirty.add(accountId);
    this.scheduleAccounts();
    if (!this.infra.redis) return;
    // Tell the other nodes once per short window, not once per change.
    this.toPublish.add(accountId);
    this.publishTimer ??= setTimeout(() => this.publishChanged(), this.coalesceMs);
  }

  private publishChanged(): void {
    this.publishTimer = null;
    const ids = [...this.toPublish];
    this.toPublish.clear();
    if (ids.length) this.infra.redis?.publish(DIRTY_CHANNEL, JSON.stringify({ node: this.nodeId, ids })).catch(() => undefined);
  }

  private scheduleAccounts(): void {
    if (this.accountTimer || this.accountsInFlight || !this.dirty.size) return;
    const wait = Math.max(this.coalesceMs, this.lastAccountFlush + POOL_UPDATE_INTERVAL_MS - Date.now());
    this.accountTimer = setTimeout(() => void this.flushAccounts(), wait);
  }

  async snapshot(): Promise<PoolSnapshotPayload> {
    const [states, stats] = await Promise.all([this.accounts.states(), this.accounts.stats(this.infra.clock.now())]);
    return { accounts: states.map(presentAccount), stats: presentStats(stats), at: this.infra.clock.now().toISOString() };
  }

  /** Sends what is pending now (tests and shutdown). */
  async flush(): Promise<void> {
    this.flushLessons();
    await this.flushAccounts();
  }

  private flushLessons(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirtyLessons.size) return;
    // One read for the whole window's lessons, however many changed.
    const lessonIds = [...this.dirtyLessons];
    this.dirtyLessons.clear();
    this.peers().schedule?.notifyLessonsChanged(lessonIds).catch((error: unknown) => this.infra.logger.warn({ err: String(error), lessons: lessonIds.length }, 'calendar notify failed'));
  }

  private async flushAccounts(): Promise<void> {
    if (this.accountTimer) clearTimeout(this.accountTimer);
    this.accountTimer = null;
    if (!this.dirty.size || this.accountsInFlight) return;
    // A node without sockets (the worker) only tells the others.
    if (!this.infra.broadcaster.hasLocalSockets) return void this.dirty.clear();
    this.accountsInFlight = true;
    const ids = [...this.dirty];
    this.dirty.clear();
    try {
      // Read after clearing: a change landing during the read marks its account dirty again.
      const [states, stats] = await Promise.all([this.accounts.states(ids), this.accounts.stats(this.infra.clock.now())]);
      await this.infra.broadcaster.emitLocal(rooms.adminPool, 'pool:changed', { accounts: states.map(presentAccount), stats: presentStats(stats) });
    } catch (error) {
      this.infra.logger.warn({ err: String(error) }, 'pool:changed not sent');
    } finally {
      this.lastAccountFlush = Date.now();
      this.accountsInFlight = false;
      this.scheduleAccounts();
    }
  }
}
