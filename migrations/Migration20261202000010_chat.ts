import { Migration } from '@mikro-orm/migrations';

/**
 * Chats: one per class group (its members are the group's teacher and students, read from the group
 * at every access, so a removal cuts access at once) and direct chats between two people (the pair is
 * stored ordered, so one pair has one chat). Messages are numbered per chat by `chats.last_seq`
 * (bumped in the inserting transaction) and carry the sender's client id, unique per sender, so a
 * retried send finds the first one. Read positions are per member and chat.
 */
export class Migration20261202000010_chat extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table chats (
        id uuid primary key,
        kind varchar(8) not null check (kind in ('group','direct')),
        group_id uuid null unique references groups(id) on delete cascade,
        user_a uuid null references users(id) on delete cascade,
        user_b uuid null references users(id) on delete cascade,
        last_seq bigint not null default 0,
        last_message_at timestamptz null,
        created_at timestamptz not null default now(),
        unique (user_a, user_b),
        check ((kind = 'group' and group_id is not null and user_a is null and user_b is null)
            or (kind = 'direct' and group_id is null and user_a is not null and user_b is not null and user_a < user_b))
      );`);
    this.addSql(`create index chats_user_b_index on chats (user_b) where kind = 'direct';`);
    this.addSql(`
      create table chat_messages (
        id uuid primary key,
        chat_id uuid not null references chats(id) on delete cascade,
        seq bigint not null,
        sender_id uuid not null references users(id) on delete cascade,
        client_id varchar(64) not null,
        text text not null,
        reply_to uuid null references chat_messages(id) on delete set null,
        created_at timestamptz not null,
        edited_at timestamptz null,
        deleted_at timestamptz null,
        search tsvector generated always as (to_tsvector('russian', text) || to_tsvector('english', text)) stored,
        unique (chat_id, seq),
        unique (sender_id, client_id)
      );`);
    this.addSql(`create index chat_messages_search_index on chat_messages using gin (search);`);
    this.addSql(`
      create table chat_reads (
        chat_id uuid not null references chats(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        last_read_seq bigint not null default 0,
        primary key (chat_id, user_id)
      );`);
    // Per group: may its students open direct chats with each other (the teacher decides).
    this.addSql(`
      create table chat_group_settings (
        group_id uuid primary key references groups(id) on delete cascade,
        students_direct boolean not null default true
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table chat_group_settings;`);
    this.addSql(`drop table chat_reads;`);
    this.addSql(`drop table chat_messages;`);
    this.addSql(`drop table chats;`);
  }
}
