import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '@tp/shared';
import type { Orm } from '../../infra/db.js';

type Row = Record<string, unknown>;

export interface Person {
  id: string;
  firstName: string;
  lastName: string;
  role: Role;
}

export interface MessageRow {
  id: string;
  chatId: string;
  seq: number;
  clientId: string;
  text: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  sender: Person;
  replyTo: { id: string; seq: number; text: string; deleted: boolean; senderName: string } | null;
}

/** What every read of a chat names: its kind, its group (if any) and its newest seq. */
export interface ChatHead {
  id: string;
  kind: 'group' | 'direct';
  groupId: string | null;
  groupName: string | null;
  teacherId: string | null;
  archived: boolean;
  lastSeq: number;
}

/** A chat and the people in it now: a group chat's are read from the group at every call. */
export interface ChatAudience extends ChatHead {
  members: Person[];
}

export interface ChatListRow extends ChatHead {
  lastReadSeq: number;
  unread: number;
  peer: Person | null;
  peerReadSeq: number | null;
}

const toHead = (row: Row): ChatHead => ({
  id: String(row.id),
  kind: row.kind as 'group' | 'direct',
  groupId: (row.group_id as string | null) ?? null,
  groupName: (row.group_name as string | null) ?? null,
  teacherId: (row.teacher_id as string | null) ?? null,
  archived: row.archived_at !== null && row.archived_at !== undefined,
  lastSeq: Number(row.last_seq),
});

const MESSAGE_COLUMNS = `
  select m.id, m.chat_id, m.seq, m.client_id, m.text, m.created_at, m.edited_at, m.deleted_at,
         u.id as sender_id, u.first_name as s_first, u.last_name as s_last, u.role as s_role,
         r.id as r_id, r.seq as r_seq, r.text as r_text, r.deleted_at as r_deleted,
         ru.first_name as r_first, ru.last_name as r_last`;
const MESSAGE_JOINS = `
    join users u on u.id = m.sender_id
    left join chat_messages r on r.id = m.reply_to
    left join users ru on ru.id = r.sender_id`;
const MESSAGE_SELECT = `${MESSAGE_COLUMNS} from chat_messages m ${MESSAGE_JOINS}`;

const date = (value: unknown) => (value ? new Date(value as string) : null);
const person = (row: Row, prefix = ''): Person => ({
  id: String(row[`${prefix}id`]),
  firstName: String(row[`${prefix}first_name`]),
  lastName: String(row[`${prefix}last_name`]),
  role: row[`${prefix}role`] as Role,
});

function toMessage(row: Row): MessageRow {
  return {
    id: String(row.id),
    chatId: String(row.chat_id),
    seq: Number(row.seq),
    clientId: String(row.client_id),
    text: String(row.text),
    createdAt: new Date(row.created_at as string),
    editedAt: date(row.edited_at),
    deletedAt: date(row.deleted_at),
    sender: { id: String(row.sender_id), firstName: String(row.s_first), lastName: String(row.s_last), role: row.s_role as Role },
    replyTo: row.r_id
      ? { id: String(row.r_id), seq: Number(row.r_seq), text: String(row.r_text), deleted: row.r_deleted !== null, senderName: `${String(row.r_first)} ${String(row.r_last)}` }
      : null,
  };
}

/** The chats a user is in: group chats of their groups (as teacher or student) and their direct chats. */
const MY_CHATS = `
  select c.id from chats c join groups g on g.id = c.group_id, me
   where g.teacher_id = me.id or exists (select 1 from group_members gm where gm.group_id = g.id and gm.student_id = me.id)
  union all
  select c.id from chats c, me where c.kind = 'direct' and (c.user_a = me.id or c.user_b = me.id)`;

/** SQL of chats, messages and read positions. */
export class ChatRepository {
  constructor(private readonly orm: Orm) {}

  private run(sql: string, params: unknown[] = [], em?: EntityManager): Promise<Row[]> {
    const target = em ?? (this.orm.em.fork() as EntityManager);
    return target.getConnection().execute(sql, params, 'all', target.getTransactionContext());
  }

  /** Makes the group chat of every group the user teaches or studies in exist (once per group). */
  async ensureGroupChats(userId: string): Promise<void> {
    await this.run(
      `insert into chats (id, kind, group_id)
       select gen_random_uuid(), 'group', g.id from groups g
        where (g.teacher_id = ? or exists (select 1 from group_members gm where gm.group_id = g.id and gm.student_id = ?))
          and not exists (select 1 from chats c where c.group_id = g.id)
       on conflict (group_id) do nothing`,
      [userId, userId],
    );
  }

  async groupChatId(groupId: string): Promise<string> {
    const rows = await this.run(
      `with made as (insert into chats (id, kind, group_id) values (gen_random_uuid(), 'group', ?) on conflict (group_id) do nothing returning id)
       select id from made union all select id from chats where group_id = ?`,
      [groupId, groupId],
    );
    return String(rows[0]!.id);
  }

  /** The direct chat of two people, made if missing. */
  async directChatId(userA: string, userB: string): Promise<string> {
    const [a, b] = userA < userB ? [userA, userB] : [userB, userA];
    const rows = await this.run(
      `with made as (insert into chats (id, kind, user_a, user_b) values (gen_random_uuid(), 'direct', ?, ?) on conflict (user_a, user_b) do nothing returning id)
       select id from made union all select id from chats where user_a = ? and user_b = ?`,
      [a, b, a, b],
    );
    return String(rows[0]!.id);
  }

  async list(userId: string, chatId?: string): Promise<ChatListRow[]> {
    const rows = await this.run(
      `with me as (select ?::uuid as id), mine as (${MY_CHATS})
       select c.id, c.kind, c.group_id, c.last_seq, g.name as group_name, g.teacher_id, g.archived_at,
              coalesce(r.last_read_seq, 0) as last_read_seq,
              p.id as p_id, p.first_name as p_first_name, p.last_name as p_last_name, p.role as p_role,
              pr.last_read_seq as peer_read_seq,
              (select count(*) from chat_messages m
                where m.chat_id = c.id and m.seq > coalesce(r.last_read_seq, 0) and m.sender_id <> me.id and m.deleted_at is null) as unread
         from mine join chats c on c.id = mine.id cross join me
         left join groups g on g.id = c.group_id
         left join chat_reads r on r.chat_id = c.id and r.user_id = me.id
         left join users p on c.kind = 'direct' and p.id = case when c.user_a = me.id then c.user_b else c.user_a end
         left join chat_reads pr on pr.chat_id = c.id and pr.user_id = p.id
        where (?::uuid is null or c.id = ?::uuid)
        order by coalesce(c.last_message_at, c.created_at) desc, c.id`,
      [userId, chatId ?? null, chatId ?? null],
    );
    return rows.map((row) => ({
      ...toHead(row),
      lastReadSeq: Number(row.last_read_seq),
      unread: Number(row.unread),
      peer: row.p_id ? person(row, 'p_') : null,
      peerReadSeq: row.peer_read_seq === null || row.peer_read_seq === undefined ? null : Number(row.peer_read_seq),
    }));
  }

  /** The chat and who is in it right now; null when there is no such chat. */
  async audience(chatId: string): Promise<ChatAudience | null> {
    const rows = await this.run(
      `select c.id, c.kind, c.group_id, c.last_seq, g.name as group_name, g.teacher_id, g.archived_at,
              u.id as u_id, u.first_name as u_first_name, u.last_name as u_last_name, u.role as u_role
         from chats c
         left join groups g on g.id = c.group_id
         left join lateral (
           select g.teacher_id as uid where c.kind = 'group'
           union select gm.student_id from group_members gm where c.kind = 'group' and gm.group_id = c.group_id
           union select unnest(array[c.user_a, c.user_b]) where c.kind = 'direct'
         ) who on true
         left join users u on u.id = who.uid
        where c.id = ?`,
      [chatId],
    );
    const first = rows[0];
    if (!first) return null;
    return {
      ...toHead(first),
      members: rows.filter((row) => row.u_id).map((row) => person(row, 'u_')),
    };
  }

  async messageByClientId(senderId: string, clientId: string): Promise<MessageRow | null> {
    const rows = await this.run(`${MESSAGE_SELECT} where m.sender_id = ? and m.client_id = ?`, [senderId, clientId]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async message(chatId: string, messageId: string): Promise<MessageRow | null> {
    const rows = await this.run(`${MESSAGE_SELECT} where m.chat_id = ? and m.id = ?`, [chatId, messageId]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async lastMessages(chatIds: string[]): Promise<Map<string, MessageRow>> {
    if (!chatIds.length) return new Map();
    const rows = await this.run(`${MESSAGE_SELECT} join chats c on c.id = m.chat_id and m.seq = c.last_seq where c.id in (?)`, [chatIds]);
    return new Map(rows.map((row) => [String(row.chat_id), toMessage(row)]));
  }

  /** Moves a read position forward only, never past the chat's last message; returns where it is now. */
  async markRead(chatId: string, userId: string, seq: number, em?: EntityManager): Promise<number> {
    const rows = await this.run(
      `insert into chat_reads (chat_id, user_id, last_read_seq)
       values (?, ?, least(?::bigint, (select last_seq from chats where id = ?)))
       on conflict (chat_id, user_id) do update set last_read_seq = greatest(chat_reads.last_read_seq, excluded.last_read_seq)
       returning last_read_seq`,
      [chatId, userId, seq, chatId],
      em,
    );
    return Number(rows[0]!.last_read_seq);
  }

  async unread(chatId: string, userId: string): Promise<number> {
    const rows = await this.run(
      `select count(*) as n from chat_messages m
        where m.chat_id = ? and m.sender_id <> ? and m.deleted_at is null
          and m.seq > coalesce((select last_read_seq from chat_reads where chat_id = ? and user_id = ?), 0)`,
      [chatId, userId, chatId, userId],
    );
    return Number(rows[0]!.n);
  }

  /** A page of history in chat order: the newest, before a seq (scrolling back) or after one (catching up). */
  async history(chatId: string, page: { before?: number; after?: number; limit: number }): Promise<{ items: MessageRow[]; hasMore: boolean }> {
    const forward = page.after !== undefined;
    const bound = forward ? `and m.seq > ?` : page.before !== undefined ? `and m.seq < ?` : '';
    const params: unknown[] = [chatId];
    if (forward) params.push(page.after);
    else if (page.before !== undefined) params.push(page.before);
    params.push(page.limit + 1);
    const rows = await this.run(`${MESSAGE_SELECT} where m.chat_id = ? ${bound} order by m.seq ${forward ? 'asc' : 'desc'} limit ?`, params);
    const items = rows.slice(0, page.limit).map(toMessage);
    if (!forward) items.reverse();
    return { items, hasMore: rows.length > page.limit };
  }

  /** The page with `seq` in its middle: up to half the limit at or before it, the rest after it. */
  async historyAround(chatId: string, seq: number, limit: number): Promise<{ items: MessageRow[]; hasMore: boolean; hasNewer: boolean }> {
    const olderCount = Math.ceil(limit / 2);
    const newerCount = limit - olderCount;
    const [older, newer] = await Promise.all([
      this.run(`${MESSAGE_SELECT} where m.chat_id = ? and m.seq <= ? order by m.seq desc limit ?`, [chatId, seq, olderCount + 1]),
      this.run(`${MESSAGE_SELECT} where m.chat_id = ? and m.seq > ? order by m.seq asc limit ?`, [chatId, seq, newerCount + 1]),
    ]);
    const items = [...older.slice(0, olderCount).reverse(), ...newer.slice(0, newerCount)].map(toMessage);
    return { items, hasMore: older.length > olderCount, hasNewer: newer.length > newerCount };
  }

  async editMessage(chatId: string, messageId: string, senderId: string, text: string, at: Date): Promise<boolean> {
    const rows = await this.run(
      `update chat_messages set text = ?, edited_at = ? where chat_id = ? and id = ? and sender_id = ? and deleted_at is null returning id`,
      [text, at, chatId, messageId, senderId],
    );
    return rows.length > 0;
  }

  /** Blanks a message (its text leaves the database); `senderId` null lets a moderator delete anyone's. */
  async deleteMessage(chatId: string, messageId: string, senderId: string | null, at: Date): Promise<boolean> {
    const rows = await this.run(
      `update chat_messages set text = '', deleted_at = ? where chat_id = ? and id = ? and (?::uuid is null or sender_id = ?::uuid) and deleted_at is null returning id`,
      [at, chatId, messageId, senderId, senderId],
    );
    return rows.length > 0;
  }

  /** Full-text search (Russian and English stemming) in the user's chats, newest first. */
  async search(userId: string, query: string, chatId: string | undefined, limit: number): Promise<Array<{ message: MessageRow; snippet: string }>> {
    const rows = await this.run(
      `with me as (select ?::uuid as id), mine as (${MY_CHATS}),
            q as (select websearch_to_tsquery('russian', ?) || websearch_to_tsquery('english', ?) as q)
       ${MESSAGE_COLUMNS}, ts_headline('russian', m.text, q.q, 'StartSel=\u0002, StopSel=\u0003, MaxWords=24, MinWords=8') as snippet
         from chat_messages m join mine on mine.id = m.chat_id cross join q ${MESSAGE_JOINS}
        where m.deleted_at is null and m.search @@ q.q and (?::uuid is null or m.chat_id = ?::uuid)
        order by m.created_at desc limit ?`,
      [userId, query, query, chatId ?? null, chatId ?? null, limit],
    );
    return rows.map((row) => ({ message: toMessage(row), snippet: String(row.snippet) }));
  }
}
