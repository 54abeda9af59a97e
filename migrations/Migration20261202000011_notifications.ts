import { Migration } from '@mikro-orm/migrations';

/**
 * Chat attachments: uploaded into a chat by a member, then tied to the message that carries them.
 * The file itself lives in the storage (`storage_key`); its type was sniffed from its content.
 */
export class Migration20261202000011_notifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table chat_attachments (
        id uuid primary key,
        chat_id uuid not null references chats(id) on delete cascade,
        uploader_id uuid not null references users(id) on delete cascade,
        message_id uuid null references chat_messages(id) on delete set null,
        name varchar(255) not null,
        size integer not null check (size > 0),
        mime varchar(128) not null,
        storage_key varchar(128) not null unique,
        created_at timestamptz not null
      );`);
    this.addSql(`create index chat_attachments_message_index on chat_attachments (message_id) where message_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table chat_attachments;`);
  }
}
