import { Migration } from '@mikro-orm/migrations';

/** Homework: questions with their keys, attempts with per-answer scores, per-student standing. Points in hundredths. */
export class Migration20261202000009_homework extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table homework (
        id uuid primary key,
        teacher_id uuid not null references users(id) on delete cascade,
        group_id uuid not null references groups(id) on delete cascade,
        lesson_id uuid null references lessons(id) on delete set null,
        title varchar(200) not null,
        instructions text not null default '',
        opens_at timestamptz null,
        due_at timestamptz null,
        attempts_allowed int not null default 1 check (attempts_allowed between 1 and 10),
        grade_by varchar(8) not null default 'best' check (grade_by in ('best','last')),
        release_results varchar(16) not null default 'immediately' check (release_results in ('immediately','after_due','manual')),
        status varchar(16) not null default 'draft' check (status in ('draft','published','closed')),
        published_at timestamptz null,
        closed_at timestamptz null,
        results_released_at timestamptz null,
        created_at timestamptz not null default now(),
        check (status = 'draft' or due_at is not null)
      );`);
    this.addSql(`create index homework_group_index on homework (group_id, created_at desc);`);
    this.addSql(`create index homework_teacher_index on homework (teacher_id, created_at desc);`);
    this.addSql(`create index homework_due_index on homework (due_at) where status = 'published';`);
    this.addSql(`
      create table homework_questions (
        id uuid primary key,
        homework_id uuid not null references homework(id) on delete cascade,
        position int not null,
        type varchar(32) not null,
        points_h int not null check (points_h >= 0),
        -- The whole question as the builder sent it (content and key); never sent to students as is.
        body jsonb not null
      );`);
    this.addSql(`create index homework_questions_homework_index on homework_questions (homework_id, position);`);
    this.addSql(`
      create table homework_attempts (
        id uuid primary key,
        homework_id uuid not null references homework(id) on delete cascade,
        student_id uuid not null references users(id) on delete cascade,
        number int not null,
        state varchar(16) not null default 'in_progress' check (state in ('in_progress','submitted','graded')),
        -- Seeds this attempt's option shuffle: stable for the attempt, different per student.
        seed int not null,
        started_at timestamptz not null,
        submitted_at timestamptz null,
        late boolean not null default false,
        score_h int null,
        max_h int not null default 0,
        pending_manual int not null default 0,
        unique (homework_id, student_id, number),
        check ((state = 'in_progress') = (submitted_at is null))
      );`);
    // One open attempt per student and homework: two starts (two tabs) meet here.
    this.addSql(`create unique index homework_attempts_open_unique on homework_attempts (homework_id, student_id) where state = 'in_progress';`);
    this.addSql(`create index homework_attempts_student_index on homework_attempts (student_id, homework_id);`);
    this.addSql(`
      create table homework_answers (
        attempt_id uuid not null references homework_attempts(id) on delete cascade,
        question_id uuid not null references homework_questions(id) on delete cascade,
        answer jsonb not null,
        saved_at timestamptz not null,
        score_h int null,
        feedback text null,
        comment text null,
        primary key (attempt_id, question_id)
      );`);
    this.addSql(`create index homework_answers_question_index on homework_answers (question_id);`);
    this.addSql(`
      create table homework_students (
        homework_id uuid not null references homework(id) on delete cascade,
        student_id uuid not null references users(id) on delete cascade,
        excused boolean not null default false,
        due_at_override timestamptz null,
        -- Missed work: scored 0 at the due time, in the backlog until backlog_until, then closed at 0.
        missed_at timestamptz null,
        backlog_until timestamptz null,
        closed_at timestamptz null,
        primary key (homework_id, student_id)
      );`);
    this.addSql(`create index homework_students_backlog_index on homework_students (backlog_until) where missed_at is not null and closed_at is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists homework_students, homework_answers, homework_attempts, homework_questions, homework cascade;`);
  }
}
