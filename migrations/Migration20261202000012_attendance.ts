import { Migration } from '@mikro-orm/migrations';

/**
 * Attendance: the teacher's confirmed mark per lesson and student, the group's points per status and
 * lateness threshold, and who the meeting provider reported in a lesson's meeting (the raw material of
 * the suggestions; demo-room joins are already in `demo_meeting_participants`).
 */
export class Migration20261202000012_attendance extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table attendance_settings (
        group_id uuid primary key references groups(id) on delete cascade,
        points_present smallint not null default 2,
        points_late smallint not null default 1,
        points_excused smallint not null default 1,
        points_absent smallint not null default 0,
        max_points smallint not null default 2 check (max_points between 1 and 100),
        late_after_minutes smallint not null default 10 check (late_after_minutes between 0 and 240),
        updated_at timestamptz not null,
        check (points_present between 0 and max_points and points_late between 0 and max_points
           and points_excused between 0 and max_points and points_absent between 0 and max_points)
      );`);
    this.addSql(`
      create table attendance_marks (
        lesson_id uuid not null references lessons(id) on delete cascade,
        student_id uuid not null references users(id) on delete cascade,
        group_id uuid not null references groups(id) on delete cascade,
        status varchar(8) not null check (status in ('present','late','excused','absent')),
        comment varchar(500) null,
        marked_by uuid not null references users(id) on delete cascade,
        marked_at timestamptz not null,
        primary key (lesson_id, student_id)
      );`);
    this.addSql(`create index attendance_marks_group_index on attendance_marks (group_id, student_id);`);
    this.addSql(`
      create table meeting_participants (
        id uuid primary key,
        lesson_id uuid not null references lessons(id) on delete cascade,
        provider varchar(16) not null,
        meeting_id varchar(64) not null,
        participant_key varchar(255) not null,
        name varchar(200) not null,
        email varchar(254) null,
        joined_at timestamptz not null,
        left_at timestamptz null,
        assigned_student_id uuid null references users(id) on delete set null,
        unique (lesson_id, participant_key, joined_at)
      );`);
    this.addSql(`create index meeting_participants_lesson_index on meeting_participants (lesson_id, participant_key);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table meeting_participants;`);
    this.addSql(`drop table attendance_marks;`);
    this.addSql(`drop table attendance_settings;`);
  }
}
