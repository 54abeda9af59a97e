import { Migration } from '@mikro-orm/migrations';

/**
 * Each time a lesson's person has the demo meeting page open: from the page's `meeting:enter` to its
 * `meeting:leave` or the socket's disconnect (open while still there). A reopened page is a new stay,
 * so attendance counts the minutes really spent, not the time since the first join.
 */
export class Migration20261202000016_demo_stays extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table demo_meeting_stays (
        id uuid primary key,
        meeting_id varchar(64) not null,
        lesson_id uuid not null references lessons(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        role varchar(16) not null check (role in ('teacher','student')),
        joined_at timestamptz not null,
        left_at timestamptz null check (left_at is null or left_at >= joined_at)
      );`);
    this.addSql(`create index demo_meeting_stays_lesson_index on demo_meeting_stays (lesson_id, user_id);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table demo_meeting_stays;`);
  }
}
