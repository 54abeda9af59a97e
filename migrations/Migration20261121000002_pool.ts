import { Migration } from '@mikro-orm/migrations';

/** The meeting-account pool: accounts, leases (with the capacity fence), recordings, audit log. */
export class Migration20261121000002_pool extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table meeting_accounts (
        id uuid primary key,
        provider varchar(16) not null check (provider in ('zoom','demo')),
        label varchar(200) not null,
        email varchar(254) not null,
        provider_user_id varchar(200) null,
        credentials_sealed text null,
        capacity int not null default 1 check (capacity between 1 and 10),
        active boolean not null default true,
        last_used_at timestamptz null,
        created_at timestamptz not null default now(),
        -- Target of the leases' (account_id, capacity) key: a lease always sees its account's capacity.
        constraint meeting_accounts_id_capacity_unique unique (id, capacity)
      );`);
    this.addSql(`create index meeting_accounts_pick_index on meeting_accounts (last_used_at nulls first) where active;`);
    this.addSql(`
      create table meeting_leases (
        id uuid primary key,
        account_id uuid not null,
        capacity int not null,
        slot int not null,
        lesson_id uuid not null references lessons(id) on delete cascade,
        teacher_id uuid not null references users(id) on delete cascade,
        acquired_at timestamptz not null,
        released_at timestamptz null,
        release_reason varchar(16) null check (release_reason in ('webhook','sweep','teacher','admin','failure')),
        meeting_id varchar(255) null,
        -- THE FENCE, part 1: the lease carries its account's capacity (kept in step by the cascade)
        -- and its slot must lie below it …
        constraint meeting_leases_account_capacity_fk foreign key (account_id, capacity)
          references meeting_accounts (id, capacity) on update cascade on delete restrict,
        -- (Released leases are history: the cascade may shrink their capacity below their old slot.)
        constraint meeting_leases_slot_range check (released_at is not null or (slot >= 0 and slot < capacity)),
        check ((released_at is null) = (release_reason is null))
      );`);
    // … part 2: one active lease per slot, so never more active leases than capacity.
    this.addSql(`create unique index meeting_leases_active_slot_unique on meeting_leases (account_id, slot) where released_at is null;`);
    // A lesson holds at most one active lease: two starts of one lesson meet here.
    this.addSql(`create unique index meeting_leases_active_lesson_unique on meeting_leases (lesson_id) where released_at is null;`);
    this.addSql(`create index meeting_leases_teacher_index on meeting_leases (teacher_id, acquired_at desc);`);
    this.addSql(`create index meeting_leases_account_history_index on meeting_leases (account_id, acquired_at desc);`);
    this.addSql(`create index meeting_leases_active_index on meeting_leases (acquired_at) where released_at is null;`);
    this.addSql(`create index meeting_leases_meeting_index on meeting_leases (meeting_id) where meeting_id is not null;`);
    this.addSql(`
      alter table lessons add constraint lessons_meeting_account_fk
        foreign key (meeting_account_id) references meeting_accounts(id) on delete set null;`);
    this.addSql(`create index lessons_live_index on lessons (id) where status = 'live';`);
    this.addSql(`
      create table lesson_recordings (
        id uuid primary key,
        lesson_id uuid not null references lessons(id) on delete cascade,
        meeting_id varchar(255) not null,
        recording_id varchar(255) not null unique,
        url text not null,
        size_bytes bigint null,
        duration_s int null,
        recorded_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index lesson_recordings_lesson_index on lesson_recordings (lesson_id);`);
    this.addSql(`
      create table audit_log (
        id uuid primary key,
        at timestamptz not null,
        actor_id uuid null references users(id) on delete set null,
        actor_role varchar(16) null,
        action varchar(64) not null,
        lesson_id uuid null,
        account_id uuid null,
        ip varchar(64) null,
        outcome varchar(8) not null check (outcome in ('ok','error')),
        detail jsonb not null default '{}'::jsonb
      );`);
    this.addSql(`create index audit_log_at_index on audit_log (at desc);`);
    this.addSql(`create index audit_log_actor_index on audit_log (actor_id, at desc);`);
    this.addSql(`create index audit_log_account_index on audit_log (account_id, at desc);`);
    this.addSql(`create index audit_log_action_index on audit_log (action, at desc);`);
  }
}
