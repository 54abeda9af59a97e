import type { ProviderName, ReleaseReason } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import type { PoolLesson } from './pool.repository.js';
import { providerAccount, type PoolCore } from './pool.core.js';
import type { Actor } from './pool.peers.js';

export interface ReleaseOutcome {
  released: boolean;
  lessonId: string | null;
  /** The lesson went from live to completed. */
  lessonCompleted: boolean;
}

const NOTHING: ReleaseOutcome = { released: false, lessonId: null, lessonCompleted: false };
/** A reserved lease with no meeting after this long was left by a crash between commit and provider call. */
export const ORPHAN_AFTER_MS = 2 * 60_000;

/**
 * The one release path (webhook, teacher, admin, sweep): ends the meeting at the provider when it may
 * still run, closes the lease exactly once, completes the lesson, emits. Safe to call twice or concurrently.
 */
export class ReleaseFlow {
  constructor(private readonly core: PoolCore) {}

  /** `note`: an admin's words on why (required for a forced release); audited and shown to the teacher. */
  async releaseLesson(lesson: PoolLesson, reason: ReleaseReason, actor: Actor | null, note?: string): Promise<ReleaseOutcome> {
    const { infra, repo, events, audit } = this.core;
    if (!lesson.leaseId) {
      // Nothing holds a slot; a live lesson without one is drift (or a late end): complete it.
      if (lesson.status === 'live' && (await repo.completeLessonWithoutLease(lesson.id, infra.clock.now()))) {
        events.lessonEnded(lesson, infra.clock.now());
        events.lessonChanged(lesson.id);
        return { released: false, lessonId: lesson.id, lessonCompleted: true };
      }
      return { ...NOTHING, lessonId: lesson.id };
    }
    const meetingId = lesson.leaseMeetingId;
    // A webhook reports a meeting that already ended; a failure never had one running.
    if (meetingId && reason !== 'webhook' && reason !== 'failure') {
      const ended = await this.endAtProvider(lesson, meetingId);
      if (!ended.ok) {
        await audit.record({ actor, action: `lesson.release.${reason}`, lessonId: lesson.id, accountId: lesson.leaseAccountId, outcome: 'error', detail: { error: ended.error } });
        // The teacher can retry; the admin and the sweep must free the slot regardless.
        if (reason === 'teacher') throw new AppError('provider/unavailable', 'The video service did not end the meeting; try again');
      }
    }
    const now = infra.clock.now();
    const released = await repo.releaseLease(lesson.leaseId, reason, now);
    if (!released) return { ...NOTHING, lessonId: lesson.id };
    await audit.record({ actor, action: `lesson.release.${reason}`, lessonId: lesson.id, accountId: released.accountId, outcome: 'ok', detail: { meetingId: released.meetingId, ...(note ? { reason: note } : {}) } });
    if (note && actor) events.lessonReleased(lesson, { id: actor.userId, name: await repo.userName(actor.userId) }, note, now);
    if (released.lessonCompleted) events.lessonEnded(lesson, now);
    events.accountChanged(released.accountId);
    events.lessonChanged(lesson.id);
    return { released: true, lessonId: lesson.id, lessonCompleted: released.lessonCompleted };
  }

  async releaseByMeeting(provider: ProviderName, meetingId: string, reason: ReleaseReason, actor: Actor | null = null): Promise<ReleaseOutcome> {
    const lesson = await this.core.repo.findLessonByMeeting(provider, meetingId);
    if (!lesson) return NOTHING;
    // A late end of an older meeting of a lesson that since got a new one (or is getting one after a
    // restart: its lease has no meeting yet) changes nothing.
    if (lesson.leaseId && lesson.leaseMeetingId !== meetingId) return { ...NOTHING, lessonId: lesson.id };
    return this.releaseLesson(lesson, reason, actor);
  }

  /** Every active lease of an account (admin release, with the admin's reason). */
  async releaseAccount(accountId: string, actor: Actor, note: string): Promise<number> {
    let count = 0;
    for (const leaseId of await this.core.repo.activeLeasesOfAccount(accountId)) {
      const lessonId = await this.core.repo.lessonOfLease(leaseId);
      const lesson = lessonId ? await this.core.repo.findLesson(lessonId) : null;
      if (lesson && (await this.releaseLesson(lesson, 'admin', actor, note)).released) count += 1;
    }
    return count;
  }

  /**
   * One sweep tick: ends overdue meetings, reclaims orphaned reservations, repairs drift. Every write
   * is a conditional single statement, so two sweepers at once release each lease once.
   */
  async sweep(): Promise<{ released: number; repaired: number }> {
    const { infra, repo, events } = this.core;
    const now = infra.clock.now();
    const overdueBefore = new Date(now.getTime() - infra.env.RELEASE_GRACE_MIN * 60_000);
    const orphanBefore = new Date(now.getTime() - ORPHAN_AFTER_MS);
    let released = 0;
    for (const candidate of await repo.sweepCandidates(overdueBefore, orphanBefore)) {
      const lesson = await repo.findLesson(candidate.lessonId);
      if (!lesson || lesson.leaseId !== candidate.leaseId) continue;
      try {
        if ((await this.releaseLesson(lesson, 'sweep', null)).released) released += 1;
      } catch (error) {
        infra.logger.warn({ err: String(error), leaseId: candidate.leaseId }, 'sweep could not release a lease');
      }
    }
    const repaired = await repo.completeLiveLessonsWithoutLease(infra.clock.now());
    for (const lesson of repaired) {
      events.lessonEnded(lesson, now);
      events.lessonChanged(lesson.id);
    }
    // Pauses that ran out: cleared, so open dashboards count those rooms as available again.
    for (const accountId of await this.core.accounts.endPauses(now)) events.accountChanged(accountId);
    if (released || repaired.length) infra.logger.info({ released, repaired: repaired.length }, 'pool sweep');
    return { released, repaired: repaired.length };
  }

  private async endAtProvider(lesson: PoolLesson, meetingId: string): Promise<{ ok: true } | { ok: false; error: string }> {
    const providerName = lesson.meetingProvider;
    if (!lesson.account || !providerName) return { ok: true };
    try {
      await this.core.providers.get(providerName).endMeeting(providerAccount(this.core, lesson.account), meetingId);
      return { ok: true };
    } catch (error) {
      this.core.infra.logger.warn({ err: String(error), lessonId: lesson.id }, 'ending the meeting at the provider failed');
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
