import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000001_base extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`
      create table users (
        id uuid primary key,
        email varchar(254) not null unique check (email = lower(email)),
        password_hash varchar(255) null,
        role varchar(16) not null check (role in ('student','teacher','admin')),
        first_name varchar(80) not null,
        last_name varchar(80) not null,
        birth_date date null,
        phone varchar(32) null,
        timezone varchar(64) not null default 'Europe/Moscow',
        locale varchar(2) not null default 'ru' check (locale in ('ru','en')),
        email_verified boolean not null default false,
        week_anchor_date date null,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        confirm_reminder_at timestamptz null
      );`);
    this.addSql(`create index users_created_at_index on users (created_at);`);
    this.addSql(`create index users_role_index on users (role);`);
    this.addSql(`
      create table refresh_tokens (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        family_id uuid not null,
        token_hash varchar(64) not null unique,
        expires_at timestamptz not null,
        used_at timestamptz null,
        revoked_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index refresh_tokens_family_id_index on refresh_tokens (family_id);`);
    this.addSql(`create index refresh_tokens_user_id_index on refresh_tokens (user_id);`);
    this.addSql(`
      create table action_tokens (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        purpose varchar(16) not null check (purpose in ('password-reset','email-confirm')),
        token_hash varchar(64) not null unique,
        expires_at timestamptz not null,
        used_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index action_tokens_user_id_index on action_tokens (user_id);`);
    this.addSql(`
      create table oauth_identities (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        provider varchar(16) not null check (provider in ('vk','yandex')),
        provider_user_id varchar(128) not null,
        created_at timestamptz not null default now(),
        unique (provider, provider_user_id)
      );`);
    this.addSql(`
      create table groups (
        id uuid primary key,
        teacher_id uuid not null references users(id) on delete restrict,
        name varchar(120) not null,
        invite_code varchar(64) not null unique,
        archived_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index groups_teacher_id_index on groups (teacher_id);`);
    this.addSql(`
      create table group_members (
        group_id uuid not null references groups(id) on delete cascade,
        student_id uuid not null references users(id) on delete cascade,
        joined_at timestamptz not null default now(),
        primary key (group_id, student_id)
      );`);
    this.addSql(`create index group_members_student_id_index on group_members (student_id);`);
    this.addSql(`
      create table recurring_rules (
        id uuid primary key,
        group_id uuid not null references groups(id) on delete cascade,
        teacher_id uuid not null references users(id) on delete cascade,
        title varchar(200) not null,
        day_of_week smallint not null check (day_of_week between 1 and 7),
        week_type varchar(8) not null check (week_type in ('ALL','UPPER','LOWER')),
        start_time varchar(5) not null,
        end_time varchar(5) not null,
        timezone varchar(64) not null,
        start_date date not null,
        end_date date not null,
        created_at timestamptz not null default now(),
        check (end_date >= start_date),
        check (end_time > start_time)
      );`);
    this.addSql(`create index recurring_rules_teacher_id_index on recurring_rules (teacher_id, end_date);`);
    this.addSql(`create index recurring_rules_group_id_index on recurring_rules (group_id, end_date);`);
    this.addSql(`
      create table lessons (
        id uuid primary key,
        group_id uuid not null references groups(id) on delete cascade,
        teacher_id uuid not null references users(id) on delete cascade,
        title varchar(200) not null,
        start_at timestamptz not null,
        end_at timestamptz not null,
        status varchar(16) not null default 'scheduled' check (status in ('scheduled','live','completed','cancelled')),
        rule_id uuid null references recurring_rules(id) on delete set null,
        occurrence_date date null,
        meeting_provider varchar(16) null,
        meeting_account_id uuid null,
        meeting_id varchar(255) null,
        meeting_uuid varchar(255) null,
        join_url text null,
        start_url text null,
        start_url_issued_at timestamptz null,
        meeting_password varchar(255) null,
        started_at timestamptz null,
        ended_at timestamptz null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (end_at > start_at),
        check (end_at - start_at between interval '5 minutes' and interval '6 hours'),
        -- The schedule's fence: one teacher never has two overlapping lessons.
        constraint lessons_no_teacher_overlap exclude using gist (
          teacher_id with =, tstzrange(start_at, end_at) with &&
        ) where (status <> 'cancelled')
      );`);
    this.addSql(`create unique index lessons_rule_occurrence_unique on lessons (rule_id, occurrence_date) where rule_id is not null;`);
    this.addSql(`create index lessons_group_id_start_index on lessons (group_id, start_at);`);
    this.addSql(`create index lessons_teacher_id_start_index on lessons (teacher_id, start_at);`);
    this.addSql(`create index lessons_meeting_id_index on lessons (meeting_id) where meeting_id is not null;`);
  }
}
