import type { ProviderName } from '@tp/shared';
import type { ReserveOutcome } from './pool.repository.js';

const date = (value: unknown) => (value == null ? null : value instanceof Date ? value : new Date(String(value)));

/**
 * One statement, one transaction, for a whole batch of starts. Bindings: lesson ids, teacher ids and
 * new lease ids (uuid[] literals), the start lead in minutes, now ×5.
 */
export const RESERVE_BATCH_SQL = `with input as (
         select * from unnest(?::uuid[], ?::uuid[], ?::uuid[]) with ordinality as r(lesson_id, teacher_id, lease_id, ord)
       ), req as materialized (
         -- Only startable lessons take part: the teacher's own, not over, inside the start window, holding no lease
         -- (a live one without a lease is drift: it gets a room again). The lateral LIMIT keeps this a primary-key
         -- lookup per request whatever the table statistics say (a join could turn into a scan of all lessons);
         -- the teacher's last account is looked up here, once per request.
         select r.*, l.title, l.start_at, l.end_at, l.group_id, l.group_name,
                (select ml.account_id from meeting_leases ml where ml.teacher_id = r.teacher_id order by ml.acquired_at desc limit 1) as pref_account_id
           from input r
           cross join lateral (
             select l.title, l.start_at, l.end_at, l.group_id, g.name as group_name
               from lessons l join groups g on g.id = l.group_id
              where l.id = r.lesson_id and l.teacher_id = r.teacher_id and l.status in ('scheduled', 'live')
                and l.start_at - make_interval(mins => ?::int) <= ?::timestamptz and ?::timestamptz < l.end_at
                and not exists (select 1 from meeting_leases ml where ml.lesson_id = l.id and ml.released_at is null)
              limit 1
           ) l
       ), cand as (
         select a.id, a.capacity, a.last_used_at from meeting_accounts a
          where a.active and (a.paused_until is null or a.paused_until <= ?::timestamptz)
            and (select count(*) from meeting_leases l where l.account_id = a.id and l.released_at is null) < a.capacity
          for update of a skip locked
       ), free as materialized (
         select c.id as account_id, c.capacity, c.last_used_at, s.slot, row_number() over (partition by c.id order by s.slot) as k
           from cand c cross join lateral generate_series(0, c.capacity - 1) as s(slot)
          where not exists (select 1 from meeting_leases l where l.account_id = c.id and l.slot = s.slot and l.released_at is null)
       ), pref_match as materialized (
         select r.ord, f.account_id, f.capacity, f.slot
           from (select r.ord, r.pref_account_id as account_id, row_number() over (partition by r.pref_account_id order by r.ord) as k
                   from req r where r.pref_account_id is not null) r
           join free f on f.account_id = r.account_id and f.k = r.k
       ), rest_req as (
         select r.ord, row_number() over (order by r.ord) as k from req r
          where not exists (select 1 from pref_match pm where pm.ord = r.ord)
       ), rest_free as (
         select f.account_id, f.capacity, f.slot, row_number() over (order by f.last_used_at asc nulls first, f.account_id, f.slot) as k
           from free f where not exists (select 1 from pref_match pm where pm.account_id = f.account_id and pm.slot = f.slot)
       ), matched as (
         select ord, account_id, capacity, slot from pref_match
         union all
         select rr.ord, rf.account_id, rf.capacity, rf.slot from rest_req rr join rest_free rf on rf.k = rr.k
       ), ins as (
         insert into meeting_leases (id, account_id, capacity, slot, lesson_id, teacher_id, acquired_at)
         select r.lease_id, m.account_id, m.capacity, m.slot, r.lesson_id, r.teacher_id, ?
           from matched m join req r using (ord)
         on conflict do nothing
         returning id, account_id, slot
       ), used as (
         update meeting_accounts a set last_used_at = ? where a.id in (select account_id from ins)
         returning a.id, a.provider, a.label, a.email, a.credentials_sealed
       )
       select r.ord, q.ord is not null as eligible, m.account_id is not null as matched, i.id as lease_id, i.slot,
              u.id as account_id, u.provider, u.label, u.email, u.credentials_sealed,
              r.lesson_id, r.teacher_id, q.title, q.start_at, q.end_at, q.group_id, q.group_name
         from input r
         left join req q using (ord)
         left join matched m using (ord)
         left join ins i on i.id = r.lease_id
         left join used u on u.id = i.account_id
        order by r.ord`;

export function toReserveOutcome(row: Record<string, unknown>): ReserveOutcome {
    if (row.lease_id) {
      return {
        kind: 'reserved',
        reservation: {
          leaseId: String(row.lease_id),
          accountId: String(row.account_id),
          slot: Number(row.slot),
          provider: row.provider as ProviderName,
          label: String(row.label),
          email: String(row.email),
          credentialsSealed: (row.credentials_sealed as string | null) ?? null,
        },
        lesson: {
          id: String(row.lesson_id),
          teacherId: String(row.teacher_id),
          groupId: String(row.group_id),
          groupName: String(row.group_name),
          title: String(row.title),
          startAt: date(row.start_at)!,
          endAt: date(row.end_at)!,
        },
      };
    }
    if (!row.eligible) return { kind: 'ineligible' };
    // Matched but not inserted: the lesson already holds a lease, or the slot went to a commit we did not see.
    return { kind: row.matched ? 'conflict' : 'exhausted' };
}
