import { Migration } from '@mikro-orm/migrations';

/**
 * Gradebook: per-group category weights and mark scale, control points with their scores, and the
 * per-student totals the live updates keep (so a mark recomputes one row and the averages with a
 * constant number of statements instead of rebuilding the group).
 */
export class Migration20261202000013_gradebook extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table gradebook_settings (
        group_id uuid primary key references groups(id) on delete cascade,
        weight_attendance numeric(7,2) not null default 20 check (weight_attendance >= 0),
        weight_homework numeric(7,2) not null default 30 check (weight_homework >= 0),
        weight_control numeric(7,2) not null default 50 check (weight_control >= 0),
        -- [{min, mark}] ordered by min desc; null: no marks
        scale jsonb null,
        updated_at timestamptz not null
      );`);
    this.addSql(`
      create table control_points (
        id uuid primary key,
        group_id uuid not null references groups(id) on delete cascade,
        title varchar(200) not null,
        kind varchar(8) not null check (kind in ('exam','test','essay','oral')),
        max_points_h int not null check (max_points_h > 0),
        weight_h int not null default 100 check (weight_h >= 0),
        date date null,
        lesson_id uuid null references lessons(id) on delete set null,
        created_by uuid not null references users(id) on delete cascade,
        created_at timestamptz not null
      );`);
    this.addSql(`create index control_points_group_index on control_points (group_id, date, created_at);`);
    this.addSql(`
      create table control_point_scores (
        control_point_id uuid not null references control_points(id) on delete cascade,
        student_id uuid not null references users(id) on delete cascade,
        points_h int null check (points_h >= 0),
        excused boolean not null default false,
        comment varchar(1000) null,
        updated_by uuid not null references users(id) on delete cascade,
        updated_at timestamptz not null,
        primary key (control_point_id, student_id)
      );`);
    this.addSql(`create index control_point_scores_student_index on control_point_scores (student_id);`);
    this.addSql(`
      create table gradebook_rows (
        group_id uuid not null references groups(id) on delete cascade,
        student_id uuid not null references users(id) on delete cascade,
        -- column id -> the student's percentage in it (counted cells only)
        percents jsonb not null,
        attendance double precision null,
        homework double precision null,
        control double precision null,
        total double precision null,
        primary key (group_id, student_id)
      );`);
    // Per column: the sum and count of the kept percentages, moved by each row's change (its average in O(1)).
    this.addSql(`
      create table gradebook_column_stats (
        group_id uuid not null references groups(id) on delete cascade,
        column_id varchar(64) not null,
        sum double precision not null,
        n int not null,
        primary key (group_id, column_id)
      );`);
    // Whether gradebook_rows holds every current student of the group, computed from the sources, and
    // the sums and counts of the category percentages and totals (their averages in O(1)).
    this.addSql(`
      create table gradebook_cache (
        group_id uuid primary key references groups(id) on delete cascade,
        fresh boolean not null default false,
        -- the columns and settings the rows were computed with: a change means a full recompute
        signature text not null default '',
        attendance_sum double precision not null default 0, attendance_n int not null default 0,
        homework_sum double precision not null default 0, homework_n int not null default 0,
        control_sum double precision not null default 0, control_n int not null default 0,
        total_sum double precision not null default 0, total_n int not null default 0
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists gradebook_cache, gradebook_column_stats, gradebook_rows, control_point_scores, control_points, gradebook_settings;`);
  }
}
