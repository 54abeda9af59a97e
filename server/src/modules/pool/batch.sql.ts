/**
 * Multi-row forms of the pool's per-start and per-end writes, so concurrent callers share one statement
 * (one round trip, one commit). The rows travel as one JSON array binding; `ord` maps results back.
 * Leases are locked in id order first, so two batches touching the same leases queue, never deadlock.
 */

/**
 * Binding: [{ord, lease_id, provider, meeting_id, uuid, join_url, start_url, password, at}]. Returns the
 * ords stored. A restarted lesson keeps its first start: its elapsed time is the lesson's, not the meeting's.
 */
export const ATTACH_BATCH_SQL = `with input as (
         select * from json_to_recordset(?::json) as i(ord int, lease_id uuid, provider text, meeting_id text, uuid text,
                                                        join_url text, start_url text, password text, at timestamptz)
       ), locked as (
         select ml.id from meeting_leases ml where ml.id in (select lease_id from input) and ml.released_at is null
          order by ml.id for update
       ), lease as (
         update meeting_leases ml set meeting_id = i.meeting_id from input i
          where ml.id = i.lease_id and ml.id in (select id from locked)
         returning i.ord, ml.lesson_id, ml.account_id
       )
       update lessons l set meeting_provider = i.provider, meeting_account_id = lease.account_id, meeting_id = i.meeting_id,
              meeting_uuid = i.uuid, join_url = i.join_url, start_url = i.start_url, start_url_issued_at = i.at,
              meeting_password = i.password, status = 'live', started_at = coalesce(l.started_at, i.at), ended_at = null, updated_at = i.at
         from lease join input i using (ord)
        where l.id = lease.lesson_id
       returning lease.ord`;

/**
 * Binding: [{ord, lease_id, reason, at}]. Closes each lease once (of two requests for one lease, one
 * wins); a provisioned lease ends its live lesson unless the release is a provisioning failure.
 */
export const RELEASE_BATCH_SQL = `with input as (
         select * from json_to_recordset(?::json) as i(ord int, lease_id uuid, reason text, at timestamptz)
       ), locked as (
         select ml.id from meeting_leases ml where ml.id in (select lease_id from input) and ml.released_at is null
          order by ml.id for update
       ), chosen as (
         -- One request per lease (the first), so a lease closes once whatever the batch holds.
         select distinct on (i.lease_id) i.* from input i where i.lease_id in (select id from locked) order by i.lease_id, i.ord
       ), lease as (
         update meeting_leases ml set released_at = c.at, release_reason = c.reason from chosen c
          where ml.id = c.lease_id
         returning c.ord, c.reason, c.at, ml.id, ml.lesson_id, ml.account_id, ml.teacher_id, ml.meeting_id
       ), done as (
         update lessons l set status = 'completed', ended_at = lease.at, updated_at = lease.at
           from lease where l.id = lease.lesson_id and lease.meeting_id is not null and lease.reason <> 'failure' and l.status = 'live'
         returning l.id
       )
       select lease.*, lease.lesson_id in (select id from done) as completed from lease`;
