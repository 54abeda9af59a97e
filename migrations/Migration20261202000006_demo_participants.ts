import { Migration } from '@mikro-orm/migrations';

/**
 * Who opened a demo meeting's page signed in as its lesson's teacher or a student of its group, so the
 * page shows the people really there. One row per person and meeting; a reopened page refreshes it.
 */
export class Migration20261202000006_demo_participants extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table demo_meeting_participants (
        meeting_id varchar(64) not null,
        lesson_id uuid not null references lessons(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        role varchar(16) not null check (role in ('teacher','student')),
        joined_at timestamptz not null,
        last_seen_at timestamptz not null,
        primary key (meeting_id, user_id)
      );`);
    this.addSql(`create index demo_meeting_participants_lesson_index on demo_meeting_participants (lesson_id);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table demo_meeting_participants;`);
  }
}
