import { Migration } from '@mikro-orm/migrations';

/**
 * The notification centre. A notification is unique per (user, kind, subject): whoever inserts it
 * first (a job on one of several workers, a repeat after a crash) decides whether it is shown and
 * mailed, and a repeat inserts nothing. `visible` is false when the user turned the in-app switch off
 * but still wants the email (a missed chat message waits for the hourly digest that way).
 * Preferences hold only what a user changed; the defaults live in the code.
 */
export class Migration20261202000014_notification_centre extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table notifications (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        kind varchar(32) not null,
        subject varchar(200) not null,
        data jsonb not null,
        link varchar(400) not null,
        visible boolean not null default true,
        created_at timestamptz not null,
        read_at timestamptz null,
        digest_pending boolean not null default false,
        unique (user_id, kind, subject)
      );`);
    this.addSql(`create index notifications_user_created_index on notifications (user_id, created_at desc, id desc) where visible;`);
    this.addSql(`create index notifications_unread_index on notifications (user_id) where visible and read_at is null;`);
    this.addSql(`create index notifications_digest_index on notifications (user_id) where digest_pending;`);
    this.addSql(`
      create table notification_preferences (
        user_id uuid not null references users(id) on delete cascade,
        kind varchar(32) not null,
        in_app boolean not null,
        email boolean not null,
        primary key (user_id, kind)
      );`);
    // When each user's last chat digest went out: the next waits an hour after it.
    this.addSql(`
      create table notification_digests (
        user_id uuid primary key references users(id) on delete cascade,
        last_sent_at timestamptz not null
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table notification_digests;`);
    this.addSql(`drop table notification_preferences;`);
    this.addSql(`drop table notifications;`);
  }
}
