import { LIMITS } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import type { Limiter } from '../../infra/rate-limit.js';
import { ProviderError, type ProviderMeeting } from '../meetings/provider.js';
import { IdempotencyStore } from './idempotency.js';
import { LockedBatcher } from './locked-batcher.js';
import type { LessonBrief, PoolLesson, Reservation, ReserveOutcome, ReserveRequest } from './pool.repository.js';
import { providerAccount, type PoolCore } from './pool.core.js';
import type { Actor } from './pool.peers.js';

export interface StartResult {
  lessonId: string;
  meetingId: string;
  joinUrl: string;
  startUrl: string;
  password: string | null;
  account: { id: string; label: string };
}

/** How long a start that lost the race for a lesson waits for the winner's meeting. */
const AWAIT_WINNER_MS = 45_000;

/**
 * Starting a lesson: reserve a slot (efficiency lock + one statement with SKIP LOCKED, fenced by
 * constraints), commit, then ask the provider; a failure gives the slot back.
 */
export class StartFlow {
  private readonly limiter: Limiter;
  private readonly idempotency: IdempotencyStore;
  private readonly reserver: LockedBatcher<ReserveRequest, ReserveOutcome>;

  constructor(private readonly core: PoolCore) {
    const { infra } = core;
    this.limiter = infra.limiter('lesson-start', infra.env.START_RATE_PER_MIN, 60);
    this.idempotency = new IdempotencyStore(infra.redis, infra.logger);
    this.reserver = new LockedBatcher(infra.lock, 'pool', 5_000, (requests) => core.repo.reserveMany(requests, infra.clock.now(), LIMITS.startLeadMinutes), {
      maxBatch: 500,
      maxWaitMs: 500,
      lockUsable: () => !infra.redis || infra.redis.status === 'ready',
    });
  }

  /**
   * The fast path asks the reservation statement itself whether the lesson is startable by this
   * teacher; only when it is not (or on a conflict) is the lesson read to say exactly why, or to
   * answer with the meeting it already has.
   */
  async start(actor: Actor, lessonId: string, idempotencyKey?: string): Promise<StartResult> {
    const { repo } = this.core;
    const key = idempotencyKey ? `start:${actor.userId}:${lessonId}:${idempotencyKey}` : null;
    if (key) {
      const stored = await this.idempotency.get<StartResult>(key);
      if (stored) return stored;
    }
    try {
      await this.limiter.consume(actor.userId, 'Too many start attempts; wait a minute and try again');
    } catch (error) {
      // A repeat press on a running lesson still gets its meeting.
      const lesson = await repo.findLesson(lessonId);
      if (lesson && lesson.teacherId === actor.userId && lesson.status === 'live' && lesson.meetingId && lesson.leaseId) return this.existing(lesson);
      throw error;
    }

    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.reserver.submit({ lessonId, teacherId: actor.userId });
      if (outcome.kind === 'exhausted') throw await this.exhausted(actor, lessonId);
      if (outcome.kind === 'reserved') {
        let result: StartResult;
        try {
          result = await this.provision(actor, outcome.lesson, outcome.reservation);
        } catch (error) {
          // The provider refuses that account for a while: it is paused now, so another one is tried.
          if (!(error instanceof AccountPaused)) throw error;
          if (attempt >= 3) throw new AppError('provider/unavailable', 'The video service refuses the free rooms for now; try again later');
          continue;
        }
        if (key) await this.idempotency.set(key, result);
        return result;
      }
      const lesson = await repo.findLesson(lessonId);
      if (!lesson) throw new AppError('lesson/not-found', 'Lesson not found');
      if (lesson.teacherId !== actor.userId) throw new AppError('auth/forbidden', "Only the lesson's teacher can start it");
      // Idempotency: a lesson that already has its meeting answers with it, whatever the clock says.
      if (lesson.status === 'live' && lesson.meetingId && lesson.leaseId) return this.existing(lesson);
      assertStartable(lesson, this.core.infra.clock.now());
      // Another start of this lesson holds the lease: wait for its meeting.
      if (lesson.leaseId) return this.awaitWinner(lesson.id);
      // Otherwise we read a slot as free just as someone else's lease on it committed (the fence
      // refused ours), or the lesson changed under us: try again.
      if (attempt >= 3) throw await this.exhausted(actor, lessonId);
    }
  }

  private async provision(actor: Actor, lesson: LessonBrief, reservation: Reservation): Promise<StartResult> {
    const { infra, repo, events, audit, providers } = this.core;
    const provider = providers.get(reservation.provider);
    let meeting: ProviderMeeting;
    try {
      meeting = await provider.createMeeting({
        account: providerAccount(this.core, { ...reservation, id: reservation.accountId }),
        lessonId: lesson.id,
        topic: `${lesson.title} · ${lesson.groupName}`,
        startTime: lesson.startAt,
        durationMinutes: Math.round((lesson.endAt.getTime() - lesson.startAt.getTime()) / 60_000),
        timezone: 'UTC',
      });
    } catch (error) {
      // Paused before the slot is given back, so no other start can take the refused account meanwhile.
      const pausedUntil = refusedUntil(error, infra.clock.now());
      if (pausedUntil) await this.core.accounts.update(reservation.accountId, { pausedUntil });
      await repo.releaseLease(reservation.leaseId, 'failure', infra.clock.now());
      events.accountChanged(reservation.accountId);
      const detail = {
        provider: reservation.provider,
        error: error instanceof Error ? error.message : String(error),
        status: error instanceof ProviderError ? error.status : null,
        ...(pausedUntil ? { pausedUntil: pausedUntil.toISOString() } : {}),
      };
      infra.logger.warn({ ...detail, lessonId: lesson.id }, pausedUntil ? 'the provider refuses the account for a while; paused' : 'meeting creation failed; lease released');
      await audit.record({ actor, action: 'lesson.start', lessonId: lesson.id, accountId: reservation.accountId, outcome: 'error', detail });
      if (pausedUntil) throw new AccountPaused();
      throw new AppError('provider/unavailable', 'The video service did not answer; try again in a minute');
    }

    const now = infra.clock.now();
    const attached = await repo.attachMeeting(reservation.leaseId, { provider: reservation.provider, ...meeting }, now);
    if (!attached) {
      // The sweep reclaimed the slot while the provider was slow: do not leave a meeting nobody holds.
      await provider.endMeeting(providerAccount(this.core, { ...reservation, id: reservation.accountId }), meeting.meetingId).catch(() => undefined);
      await audit.record({ actor, action: 'lesson.start', lessonId: lesson.id, accountId: reservation.accountId, outcome: 'error', detail: { error: 'lease reclaimed before the meeting was stored' } });
      throw new AppError('provider/unavailable', 'Starting took too long; try again');
    }
    await audit.record({ actor, action: 'lesson.start', lessonId: lesson.id, accountId: reservation.accountId, outcome: 'ok', detail: { meetingId: meeting.meetingId, provider: reservation.provider, slot: reservation.slot } });
    events.lessonLive(lesson, meeting, now);
    events.accountChanged(reservation.accountId);
    events.lessonChanged(lesson.id);
    return {
      lessonId: lesson.id,
      meetingId: meeting.meetingId,
      joinUrl: meeting.joinUrl,
      startUrl: meeting.startUrl,
      password: meeting.password,
      account: { id: reservation.accountId, label: reservation.label },
    };
  }

  /** The lesson's current meeting for its teacher, with a fresh host link when the stored one is old. */
  async existing(lesson: PoolLesson): Promise<StartResult> {
    const { infra, repo, providers } = this.core;
    let startUrl = lesson.startUrl ?? '';
    const issued = lesson.startUrlIssuedAt?.getTime() ?? 0;
    const now = infra.clock.now();
    const account = lesson.account;
    if (lesson.meetingProvider && account && now.getTime() - issued > LIMITS.startUrlMaxAgeMinutes * 60_000) {
      try {
        startUrl = await providers.get(lesson.meetingProvider).refreshStartUrl(providerAccount(this.core, account), lesson.meetingId!);
        await repo.storeStartUrl(lesson.id, startUrl, now);
      } catch (error) {
        infra.logger.warn({ err: String(error), lessonId: lesson.id }, 'could not refresh the host link');
        throw new AppError('provider/unavailable', 'The video service did not answer; try again in a minute');
      }
    }
    return {
      lessonId: lesson.id,
      meetingId: lesson.meetingId!,
      joinUrl: lesson.joinUrl!,
      startUrl,
      password: lesson.password,
      account: { id: account?.id ?? lesson.meetingAccountId ?? '', label: account?.label ?? '' },
    };
  }

  /** Another start of this lesson holds the lease: wait for its meeting (or its failure). */
  private async awaitWinner(lessonId: string): Promise<StartResult> {
    const deadline = Date.now() + AWAIT_WINNER_MS;
    for (let wait = 20; Date.now() < deadline; wait = Math.min(wait * 2, 250)) {
      const lesson = await this.core.repo.findLesson(lessonId);
      if (!lesson) throw new AppError('lesson/not-found', 'Lesson not found');
      if (lesson.status === 'live' && lesson.meetingId && lesson.leaseId) return this.existing(lesson);
      if (!lesson.leaseId) throw new AppError('provider/unavailable', 'Starting the meeting failed; try again');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    throw new AppError('provider/unavailable', 'The video service is slow to answer; try again in a minute');
  }

  private soonestCache: { at: number; value: Promise<Date | null> } | null = null;
  private readonly refusals = new Map<string, number>();

  /** A client retrying while every room is busy is audited once a minute, not on every retry. */
  private firstRefusalInAWhile(key: string): boolean {
    const now = Date.now();
    const last = this.refusals.get(key);
    if (last !== undefined && now - last < 60_000) return false;
    if (this.refusals.size > 10_000) this.refusals.clear();
    this.refusals.set(key, now);
    return true;
  }

  /** The soonest expected release; an estimate for Retry-After, so a burst of refusals shares one read. */
  private soonestLeaseEnd(): Promise<Date | null> {
    const now = Date.now();
    if (!this.soonestCache || now - this.soonestCache.at > 1_000) {
      this.soonestCache = { at: now, value: this.core.repo.soonestLeaseEnd().catch(() => null) };
    }
    return this.soonestCache.value;
  }

  private async exhausted(actor: Actor, lessonId: string): Promise<AppError> {
    const { infra, audit } = this.core;
    const now = infra.clock.now();
    const soonest = await this.soonestLeaseEnd();
    const graceMs = infra.env.RELEASE_GRACE_MIN * 60_000;
    const seconds = Math.max(60, soonest ? Math.ceil((soonest.getTime() + graceMs - now.getTime()) / 1000) : 60);
    const minutes = Math.ceil(seconds / 60);
    if (this.firstRefusalInAWhile(`${actor.userId}:${lessonId}`)) {
      void audit.record({ actor, action: 'lesson.start', lessonId, outcome: 'error', detail: { error: 'pool/exhausted', retryAfterSeconds: seconds } });
    }
    return new AppError('pool/exhausted', `All rooms are busy; try again in ${minutes} min`, { retryAfterSeconds: seconds });
  }
}

function assertStartable(lesson: PoolLesson, now: Date): void {
  if (lesson.status === 'cancelled' || lesson.status === 'completed') {
    throw new AppError('lesson/not-startable', `The lesson is ${lesson.status}`);
  }
  const opensAt = lesson.startAt.getTime() - LIMITS.startLeadMinutes * 60_000;
  if (now.getTime() < opensAt) {
    throw new AppError('lesson/not-startable', `The lesson can be started from ${LIMITS.startLeadMinutes} minutes before its start`);
  }
  if (now.getTime() >= lesson.endAt.getTime()) throw new AppError('lesson/not-startable', 'The lesson is over');
}

/** A refusal that names a wait this long or longer (Zoom's daily limit per host) pauses the account. */
const PAUSE_MIN_SECONDS = 60;
const PAUSE_MAX_MS = 24 * 60 * 60_000;

/** Until when the provider refuses the account, if the failure says so. */
function refusedUntil(error: unknown, now: Date): Date | null {
  if (!(error instanceof ProviderError) || error.status !== 429 || error.retryAfterSeconds === null) return null;
  if (error.retryAfterSeconds < PAUSE_MIN_SECONDS) return null;
  return new Date(now.getTime() + Math.min(error.retryAfterSeconds * 1000, PAUSE_MAX_MS));
}

/** Thrown by provision when the reserved account turned out to be refused: the start tries another. */
class AccountPaused extends Error {}
