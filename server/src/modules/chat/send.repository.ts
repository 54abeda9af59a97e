import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '@tp/shared';
import type { Orm } from '../../infra/db.js';
import type { ChatAudience, Person } from './chat.repository.js';

type Row = Record<string, unknown>;

export interface SendInput {
  id: string;
  chatId: string;
  senderId: string;
  clientId: string;
  text: string;
  replyTo: string | null;
  at: Date;
  /** A direct chat's pair was checked by the caller (who may talk to whom is not read here). */
  directChecked: boolean;
}

/** What became of one send in a batch. */
export type SendOutcome =
  | { status: 'stored'; seq: number; audience: ChatAudience; replyTo: { id: string; seq: number; text: string; deleted: boolean; senderName: string } | null }
  | { status: 'earlier'; id: string; chatId: string; seq: number; createdAt: Date }
  /** Another send of the same client id won the race to the unique index; read it back. */
  | { status: 'raced' }
  | { status: 'not-found' }
  | { status: 'read-only' }
  /** A direct chat: the caller checks the pair first, then sends again with `directChecked`. */
  | { status: 'direct' };

/**
 * Stores a batch of sends (any chats, any senders) in one statement, so concurrent sends share one
 * round trip and one commit. Per send, in this order: a client id used before answers with that
 * message; the sender must be a member now (read from the group in the same statement); the chat's
 * row lock (taken in id order, so two batches never deadlock) orders its sends; seqs follow input
 * order; the sender's read position moves. Each chat with a new message comes back with its audience,
 * read in the same snapshot, for delivery. The input's `limit` is its length: it tells the planner how
 * few rows come (a function scan is guessed at 100), so members and senders are found by index.
 */
const SEND_BATCH = `
with input as (
  select * from jsonb_to_recordset(?::jsonb)
    as t(ord int, id uuid, chat_id uuid, sender_id uuid, client_id text, text text, reply_to uuid, at timestamptz, direct_checked boolean)
  limit ?),
earlier as (
  select i.ord, m.id, m.chat_id, m.seq, m.created_at
    from input i join chat_messages m on m.sender_id = i.sender_id and m.client_id = i.client_id),
heads as (
  select c.id, c.kind, c.group_id, c.user_a, c.user_b, g.name as group_name, g.teacher_id, g.archived_at
    from chats c left join groups g on g.id = c.group_id
   where c.id in (select chat_id from input)),
members as (
  select h.id as chat_id, u.id, u.first_name, u.last_name, u.role
    from heads h
    cross join lateral (
      select h.teacher_id as uid where h.kind = 'group'
      union select gm.student_id from group_members gm where h.kind = 'group' and gm.group_id = h.group_id
      union select unnest(array[h.user_a, h.user_b]) where h.kind = 'direct') who
    join users u on u.id = who.uid),
accepted as (
  select i.*, row_number() over (partition by i.chat_id order by i.ord) as n, count(*) over (partition by i.chat_id) as count
    from input i join heads h on h.id = i.chat_id
   where not exists (select 1 from earlier e where e.ord = i.ord)
     and exists (select 1 from members m where m.chat_id = i.chat_id and m.id = i.sender_id)
     and ((h.kind = 'group' and h.archived_at is null) or (h.kind = 'direct' and i.direct_checked))),
locked as (
  select c.id from chats c where c.id in (select chat_id from accepted) order by c.id for update),
bump as (
  update chats c set last_seq = c.last_seq + a.count, last_message_at = a.at
    from (select chat_id, max(count) as count, max(at) as at from accepted group by chat_id) a join locked l on l.id = a.chat_id
   where c.id = a.chat_id
  returning c.id, c.last_seq),
ins as (
  insert into chat_messages (id, chat_id, seq, sender_id, client_id, text, reply_to, created_at)
  select a.id, a.chat_id, b.last_seq - a.count + a.n, a.sender_id, a.client_id, a.text,
         (select r.id from chat_messages r where r.id = a.reply_to and r.chat_id = a.chat_id), a.at
    from accepted a join bump b on b.id = a.chat_id
  on conflict (sender_id, client_id) do nothing
  returning id, chat_id, seq, sender_id),
seen as (
  insert into chat_reads (chat_id, user_id, last_read_seq)
  select chat_id, sender_id, max(seq) from ins group by chat_id, sender_id
  on conflict (chat_id, user_id) do update set last_read_seq = greatest(chat_reads.last_read_seq, excluded.last_read_seq))
select i.ord, h.kind, h.group_id, h.group_name, h.teacher_id, h.archived_at,
       exists (select 1 from members m where m.chat_id = i.chat_id and m.id = i.sender_id) as is_member,
       ins.seq, (select b.last_seq from bump b where b.id = i.chat_id) as last_seq,
       e.id as e_id, e.chat_id as e_chat_id, e.seq as e_seq, e.created_at as e_created_at,
       r.id as r_id, r.seq as r_seq, r.text as r_text, r.deleted_at as r_deleted, ru.first_name as r_first, ru.last_name as r_last,
       case when ins.seq is not null then
         (select json_agg(json_build_object('id', m.id, 'firstName', m.first_name, 'lastName', m.last_name, 'role', m.role)) from members m where m.chat_id = i.chat_id)
       end as members
  from input i
  left join heads h on h.id = i.chat_id
  left join earlier e on e.ord = i.ord
  left join ins on ins.id = i.id
  left join chat_messages r on ins.seq is not null and r.id = i.reply_to and r.chat_id = i.chat_id
  left join users ru on ru.id = r.sender_id
 order by i.ord`;

function outcome(row: Row, input: SendInput): SendOutcome {
  if (row.e_id) return { status: 'earlier', id: String(row.e_id), chatId: String(row.e_chat_id), seq: Number(row.e_seq), createdAt: new Date(row.e_created_at as string) };
  if (!row.kind || !row.is_member) return { status: 'not-found' };
  if (row.seq === null || row.seq === undefined) {
    if (row.kind === 'direct' && !input.directChecked) return { status: 'direct' };
    if (row.kind === 'group' && row.archived_at) return { status: 'read-only' };
    return { status: 'raced' };
  }
  const members = (row.members as Array<{ id: string; firstName: string; lastName: string; role: Role }>).map((m): Person => ({ ...m }));
  return {
    status: 'stored',
    seq: Number(row.seq),
    audience: {
      id: input.chatId,
      kind: row.kind as 'group' | 'direct',
      groupId: (row.group_id as string | null) ?? null,
      groupName: (row.group_name as string | null) ?? null,
      teacherId: (row.teacher_id as string | null) ?? null,
      archived: false,
      lastSeq: Number(row.last_seq),
      members,
    },
    replyTo: row.r_id
      ? { id: String(row.r_id), seq: Number(row.r_seq), text: String(row.r_text), deleted: row.r_deleted !== null, senderName: `${String(row.r_first)} ${String(row.r_last)}` }
      : null,
  };
}

/** The send statement: a batch of messages numbered, stored and answered in one round trip. */
export class ChatSendRepository {
  constructor(private readonly orm: Orm) {}

  async store(inputs: SendInput[]): Promise<SendOutcome[]> {
    const em = this.orm.em.fork() as EntityManager;
    const rows: Row[] = await em.getConnection().execute(
      SEND_BATCH,
      [
        JSON.stringify(
          inputs.map((input, ord) => ({
            ord,
            id: input.id,
            chat_id: input.chatId,
            sender_id: input.senderId,
            client_id: input.clientId,
            text: input.text,
            reply_to: input.replyTo,
            at: input.at.toISOString(),
            direct_checked: input.directChecked,
          })),
        ),
        inputs.length,
      ],
      'all',
    );
    return rows.map((row) => outcome(row, inputs[Number(row.ord)]!));
  }
}
