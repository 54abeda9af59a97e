import {
  DEFAULT_NOTIFICATION_PREFERENCES,
  NOTIFICATION_KINDS,
  rooms,
  type NotificationData,
  type NotificationKind,
  type NotificationPageDto,
  type NotificationPreferencesBody,
  type NotificationPreferencesDto,
} from '@tp/shared';
import { publicUrl } from '../../config/env.js';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { Mailer } from '../../infra/mailer.js';
import { digestMail, notificationMail } from './notifications.mails.js';
import { presentNotification } from './notifications.presenter.js';
import { NotificationsRepository } from './notifications.repository.js';

/** What happened, to whom it is told: unique per (user, kind, subject), so telling twice tells once. */
export interface Notice {
  kind: NotificationKind;
  subject: string;
  data: NotificationData;
  link: string;
}

/** Chat notices are mailed in the hourly digest, never one by one. */
export const isChatKind = (kind: NotificationKind): boolean => kind === 'chat_direct' || kind === 'chat_mention';

/** Called for a user with chat messages waiting for their digest. */
export type DigestScheduler = (userId: string) => Promise<void>;

/** The in-app notification centre: the list and unread count, read marks, preferences, delivery. */
export class NotificationsService {
  readonly repo: NotificationsRepository;
  private digestScheduler: DigestScheduler = async () => {};

  constructor(
    private readonly infra: Pick<Infra, 'orm' | 'broadcaster' | 'clock' | 'env' | 'logger'>,
    private readonly mailer: Pick<Mailer, 'send'>,
  ) {
    this.repo = new NotificationsRepository(infra.orm);
  }

  /** Set by the notice triggers: where a chat message waiting for its digest is announced. */
  scheduleDigestsWith(scheduler: DigestScheduler): void {
    this.digestScheduler = scheduler;
  }

  async list(userId: string, page: { before?: string; limit: number }): Promise<NotificationPageDto> {
    const rows = await this.repo.page(userId, page.limit + 1, page.before);
    return { items: rows.slice(0, page.limit).map(presentNotification), unread: await this.repo.unread(userId), hasMore: rows.length > page.limit };
  }

  async markRead(userId: string, id: string): Promise<{ unread: number }> {
    if (!(await this.repo.exists(userId, id))) throw new AppError('notification/not-found', 'Notification not found');
    const ids = await this.repo.markRead(userId, [id], this.infra.clock.now());
    return this.announceRead(userId, ids, false);
  }

  async markAllRead(userId: string): Promise<{ unread: number }> {
    const ids = await this.repo.markRead(userId, 'all', this.infra.clock.now());
    return this.announceRead(userId, ids, true);
  }

  /** Everything in a chat was read there: its notices in the bell are read too. */
  async markChatRead(userId: string, link: string): Promise<void> {
    const ids = await this.repo.markLinkRead(userId, link, this.infra.clock.now());
    if (ids.length) await this.announceRead(userId, ids, false);
  }

  /**
   * A lesson was cancelled or moved: its "starts in 15 minutes" notices that went out turn read (but
   * the one for `keep`, the lesson's current start, if any), and each reader's tabs hear the lower count.
   */
  async markRemindersRead(eventKey: string, keep: string | null): Promise<void> {
    const marked = await this.repo.markSubjectsRead('lesson_starting', `${eventKey}@`, keep, this.infra.clock.now());
    for (const userId of new Set(marked.map((m) => m.userId))) {
      await this.announceRead(userId, marked.filter((m) => m.userId === userId).map((m) => m.id), false);
    }
  }

  /** Every tab of the user hears the new count (across nodes, through the user's room). */
  private async announceRead(userId: string, ids: string[], all: boolean): Promise<{ unread: number }> {
    const unread = await this.repo.unread(userId);
    if (ids.length) await this.infra.broadcaster.emit(rooms.user(userId), 'notification:read', { ids, all, unread });
    return { unread };
  }

  async preferences(userId: string): Promise<NotificationPreferencesDto> {
    const saved = await this.repo.preferences(userId);
    return Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, saved.get(kind) ?? DEFAULT_NOTIFICATION_PREFERENCES[kind]])) as NotificationPreferencesDto;
  }

  async savePreferences(userId: string, body: NotificationPreferencesBody): Promise<NotificationPreferencesDto> {
    const changes = NOTIFICATION_KINDS.flatMap((kind) => (body[kind] ? [{ kind, ...body[kind] }] : []));
    await this.repo.savePreferences(userId, changes);
    return this.preferences(userId);
  }

  /**
   * Tells `userIds` of one thing, each as they prefer: shown in the centre (pushed live with the new
   * unread count) and/or mailed — in one transaction with the insert, so the mail goes only with the
   * row, and a repeat (another worker, a retried job) finds the row and does nothing.
   */
  async notify(userIds: string[], notice: Notice): Promise<number> {
    const recipients = await this.repo.recipients(userIds);
    const saved = await this.repo.preferencesFor(recipients.map((r) => r.id), notice.kind);
    const chat = isChatKind(notice.kind);
    const now = this.infra.clock.now();
    let told = 0;
    for (const to of recipients) {
      const wants = saved.get(to.id) ?? DEFAULT_NOTIFICATION_PREFERENCES[notice.kind];
      if (!wants.inApp && !wants.email) continue;
      const row = await this.repo.transaction(async (em) => {
        const inserted = await this.repo.insert({ userId: to.id, ...notice, visible: wants.inApp, digestPending: chat && wants.email, at: now }, em);
        if (inserted && wants.email && !chat) await this.mailer.send(notificationMail(to, inserted, publicUrl(this.infra.env)), { em });
        return inserted;
      });
      if (!row) continue;
      told++;
      if (row.visible) await this.infra.broadcaster.emit(rooms.user(to.id), 'notification:new', { notification: presentNotification(row), unread: await this.repo.unread(to.id) });
      if (chat && wants.email) await this.digestScheduler(to.id).catch((error: unknown) => this.infra.logger.warn({ err: String(error), userId: to.id }, 'chat digest not scheduled'));
    }
    return told;
  }

  /**
   * Mails the user's waiting chat messages in one email, at most one an hour: the digest row is locked
   * while it is read and stamped, so two workers never both send. Returns when to try again if the
   * hour is not over yet (null: nothing left to wait for).
   */
  async sendDigest(userId: string, minGapMs: number): Promise<Date | null> {
    const now = this.infra.clock.now();
    return this.repo.transaction(async (em) => {
      const claim = await this.repo.claimDigest(em, userId, now, minGapMs);
      const [to] = claim.items.length ? await this.repo.recipients([userId]) : [];
      if (to) await this.mailer.send(digestMail(to, claim.items, publicUrl(this.infra.env)), { em });
      return claim.due;
    });
  }
}
