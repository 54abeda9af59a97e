import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationData, NotificationKind } from '@tp/shared';
import type { Orm } from '../../infra/db.js';

type Row = Record<string, unknown>;

export interface NotificationRow {
  id: string;
  userId: string;
  kind: NotificationKind;
  subject: string;
  data: NotificationData;
  link: string;
  visible: boolean;
  createdAt: Date;
  readAt: Date | null;
}

/** Whom a notice goes to: enough to word and address an email in their language. */
export interface Recipient {
  id: string;
  email: string;
  firstName: string;
  locale: string;
  timezone: string;
}

/** A notice about to be stored: a row's facts, whether a digest waits for it, and when. */
export type NewNotification = Pick<NotificationRow, 'userId' | 'kind' | 'subject' | 'data' | 'link' | 'visible'> & { digestPending: boolean; at: Date };

const toRow = (row: Row): NotificationRow => ({
  id: String(row.id),
  userId: String(row.user_id),
  kind: row.kind as NotificationKind,
  subject: String(row.subject),
  data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as NotificationData,
  link: String(row.link),
  visible: Boolean(row.visible),
  createdAt: new Date(row.created_at as string),
  readAt: row.read_at ? new Date(row.read_at as string) : null,
});

const toRecipient = (row: Row): Recipient => ({ id: String(row.id), email: String(row.email), firstName: String(row.first_name), locale: String(row.locale), timezone: String(row.timezone) });

/** The notification centre's SQL: the unique (user, kind, subject) makes every insert idempotent. */
export class NotificationsRepository {
  constructor(private readonly orm: Orm) {}

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return (this.orm.em.fork() as EntityManager).transactional((em) => fn(em as EntityManager));
  }

  private run(sql: string, params: unknown[] = [], em?: EntityManager): Promise<Row[]> {
    const target = em ?? (this.orm.em.fork() as EntityManager);
    return target.getConnection().execute(sql, params, 'all', target.getTransactionContext());
  }

  /** Inserts unless the (user, kind, subject) exists; null when it did (a repeat). */
  async insert(n: NewNotification, em?: EntityManager): Promise<NotificationRow | null> {
    const rows = await this.run(
      `insert into notifications (id, user_id, kind, subject, data, link, visible, digest_pending, created_at)
       values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
       on conflict (user_id, kind, subject) do nothing
       returning *`,
      [randomUUID(), n.userId, n.kind, n.subject, JSON.stringify(n.data), n.link, n.visible, n.digestPending, n.at],
      em,
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Newest first; `before` is the id of the last one already shown. */
  async page(userId: string, limit: number, before?: string): Promise<NotificationRow[]> {
    const rows = await this.run(
      `select * from notifications n
        where n.user_id = ? and n.visible
          and (?::uuid is null or (n.created_at, n.id) < (select created_at, id from notifications where id = ? and user_id = n.user_id))
        order by n.created_at desc, n.id desc
        limit ?`,
      [userId, before ?? null, before ?? null, limit],
    );
    return rows.map(toRow);
  }

  async unread(userId: string): Promise<number> {
    const [row] = await this.run(`select count(*)::int as n from notifications where user_id = ? and visible and read_at is null`, [userId]);
    return Number(row?.n ?? 0);
  }

  async exists(userId: string, id: string): Promise<boolean> {
    return (await this.run(`select 1 from notifications where id = ? and user_id = ? and visible`, [id, userId])).length > 0;
  }

  async markRead(userId: string, ids: string[] | 'all', at: Date): Promise<string[]> {
    const rows =
      ids === 'all'
        ? await this.run(`update notifications set read_at = ? where user_id = ? and visible and read_at is null returning id`, [at, userId])
        : await this.run(`update notifications set read_at = ? where user_id = ? and id = any(?::uuid[]) and read_at is null returning id`, [at, userId, `{${ids.join(',')}}`]);
    return rows.map((r) => String(r.id));
  }

  /** The user's unread chat notices that open this link (one chat). */
  async markLinkRead(userId: string, link: string, at: Date): Promise<string[]> {
    const rows = await this.run(
      `update notifications set read_at = ? where user_id = ? and link = ? and kind in ('chat_direct', 'chat_mention') and visible and read_at is null returning id`,
      [at, userId, link],
    );
    return rows.map((r) => String(r.id));
  }

  /** Every user's unread notices of a kind whose subject starts with `prefix`, but for `keep` (a lesson's stale reminders). */
  async markSubjectsRead(kind: NotificationKind, prefix: string, keep: string | null, at: Date): Promise<Array<{ userId: string; id: string }>> {
    const rows = await this.run(
      `update notifications set read_at = ? where kind = ? and left(subject, length(?)) = ? and subject is distinct from ? and visible and read_at is null returning id, user_id`,
      [at, kind, prefix, prefix, keep],
    );
    return rows.map((r) => ({ userId: String(r.user_id), id: String(r.id) }));
  }

  async preferences(userId: string): Promise<Map<NotificationKind, { inApp: boolean; email: boolean }>> {
    const rows = await this.run(`select kind, in_app, email from notification_preferences where user_id = ?`, [userId]);
    return new Map(rows.map((r) => [r.kind as NotificationKind, { inApp: Boolean(r.in_app), email: Boolean(r.email) }]));
  }

  /** Each user's changed switches for one kind (users without a row keep the default). */
  async preferencesFor(userIds: string[], kind: NotificationKind): Promise<Map<string, { inApp: boolean; email: boolean }>> {
    if (!userIds.length) return new Map();
    const rows = await this.run(`select user_id, in_app, email from notification_preferences where kind = ? and user_id = any(?::uuid[])`, [kind, `{${userIds.join(',')}}`]);
    return new Map(rows.map((r) => [String(r.user_id), { inApp: Boolean(r.in_app), email: Boolean(r.email) }]));
  }

  async savePreferences(userId: string, changes: Array<{ kind: NotificationKind; inApp: boolean; email: boolean }>): Promise<void> {
    await this.transaction(async (em) => {
      for (const c of changes) {
        await this.run(
          `insert into notification_preferences (user_id, kind, in_app, email) values (?, ?, ?, ?)
           on conflict (user_id, kind) do update set in_app = excluded.in_app, email = excluded.email`,
          [userId, c.kind, c.inApp, c.email],
          em,
        );
      }
    });
  }

  /** Active users among `ids`, with what an email needs. */
  async recipients(ids: string[]): Promise<Recipient[]> {
    if (!ids.length) return [];
    const rows = await this.run(`select id, email, first_name, locale, timezone from users where active and id = any(?::uuid[])`, [`{${[...new Set(ids)].join(',')}}`]);
    return rows.map(toRecipient);
  }

  // ---- the hourly chat digest

  async lastDigestAt(userId: string): Promise<Date | null> {
    const [row] = await this.run(`select last_sent_at from notification_digests where user_id = ?`, [userId]);
    return row ? new Date(row.last_sent_at as string) : null;
  }

  /**
   * Takes the user's digest row (locked until the caller's transaction ends, so two workers never both
   * send) and, when an hour has passed since the last digest, the waiting messages, marking them sent.
   */
  async claimDigest(em: EntityManager, userId: string, now: Date, minGapMs: number): Promise<{ due: Date | null; items: NotificationRow[] }> {
    await this.run(`insert into notification_digests (user_id, last_sent_at) values (?, 'epoch') on conflict do nothing`, [userId], em);
    const [lock] = await this.run(`select last_sent_at from notification_digests where user_id = ? for update`, [userId], em);
    const last = new Date(lock!.last_sent_at as string);
    if (now.getTime() - last.getTime() < minGapMs) {
      const waiting = await this.run(`select 1 from notifications where user_id = ? and digest_pending limit 1`, [userId], em);
      return { due: waiting.length ? new Date(last.getTime() + minGapMs) : null, items: [] };
    }
    // Messages already read in the bell were seen: they are dropped from the digest.
    const rows = (await this.run(`update notifications set digest_pending = false where user_id = ? and digest_pending returning *`, [userId], em)).filter((r) => !r.read_at);
    if (rows.length) await this.run(`update notification_digests set last_sent_at = ? where user_id = ?`, [now, userId], em);
    return { due: null, items: rows.map(toRow).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()) };
  }
}
