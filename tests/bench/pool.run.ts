/**
 * The pool under load: 500 simulated teachers doing start/end cycles on 50 accounts for 30 s, through
 * the same service call the HTTP route makes, against real PostgreSQL and Redis and the zero-latency
 * demo provider, with the per-teacher rate limit off. Creates and drops its own database.
 *
 * Options (env): BENCH_TEACHERS (500), BENCH_ACCOUNTS (50), BENCH_SECONDS (30), BENCH_RETRY_MS (50),
 * BENCH_SYNC_COMMIT (on|off), BENCH_REDIS_URL, BENCH_SQL_STATS=1 (count the app's SQL statements by kind).
 */
import pg from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { loadEnv } from '../../server/src/config/env.js';
import { createInfra } from '../../server/src/infra/container.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { connectDb, migrate } from '../../server/src/infra/db.js';
import { AppError } from '../../server/src/infra/errors.js';
import { createServices } from '../../server/src/modules/index.js';
import { ADMIN_DATABASE_URL, TEST_REDIS_URL, databaseUrl } from '../setup/db-urls.js';

const TEACHERS = Number(process.env.BENCH_TEACHERS ?? 500);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? TEST_REDIS_URL;
/** A refused teacher retries after RETRY_MS..2×RETRY_MS (a real client waits Retry-After, ≥ 60 s). */
const RETRY_MS = Number(process.env.BENCH_RETRY_MS ?? 50);
/** `off` trades the last few hundred ms of commits on a crash for throughput (a per-database setting). */
const SYNC_COMMIT = process.env.BENCH_SYNC_COMMIT === 'off' ? 'off' : 'on';

const dbName = `tp_bench_pool_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
await admin.connect();
await admin.query(`create database ${dbName}`);
await admin.query(`alter database ${dbName} set synchronous_commit = ${SYNC_COMMIT}`);
const url = databaseUrl(dbName);

try {
  const migrator = await connectDb(url);
  await migrate(migrator);
  await migrator.close(true);
  // Harness only: stamp every lease with the database's own clock when it is inserted and released.
  // The app's timestamps are read before each statement is sent, so under load they may be a few ms
  // out of commit order; these stamps are taken inside the statements and are what the overlap check uses.
  const stamps = new pg.Client({ connectionString: url });
  await stamps.connect();
  await stamps.query(`alter table meeting_leases add column bench_acquired timestamptz, add column bench_released timestamptz`);
  await stamps.query(`
    create function bench_stamp() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then new.bench_acquired := clock_timestamp();
      elsif new.released_at is not null and old.released_at is null then new.bench_released := clock_timestamp();
      end if;
      return new;
    end $$`);
  await stamps.query(`create trigger bench_stamp before insert or update on meeting_leases for each row execute function bench_stamp()`);
  await stamps.end();

  const env = loadEnv({
    DATABASE_URL: url,
    ...(REDIS_URL === 'none' ? {} : { REDIS_URL }),
    START_RATE_PER_MIN: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    JWT_SECRET: randomBytes(32).toString('hex'),
    CREDENTIALS_KEY: randomBytes(32).toString('hex'),
  });
  const infra = await createInfra(env, { logger: createLogger('silent'), name: 'bench-pool' });
  const services = createServices(infra);
  const sqlCounts = process.env.BENCH_SQL_STATS === '1' ? countStatements(infra.orm.em.getConnection()) : null;
  const pool = services.pool;

  // Seed: accounts, and per teacher a group and a lesson running now (reset after each cycle).
  const seed = new pg.Client({ connectionString: url });
  await seed.connect();
  const now = new Date();
  await seed.query(
    `insert into meeting_accounts (id, provider, label, email)
     select gen_random_uuid(), 'demo', 'Room ' || n, 'room' || n || '@bench.test' from generate_series(1, $1::int) n`,
    [ACCOUNTS],
  );
  // Four back-to-back lessons per teacher, all inside the start window for the whole run (a teacher
  // cannot hold overlapping lessons); a teacher cycles through them.
  const LESSONS_EACH = 4;
  const teachers: Array<{ userId: string; lessonIds: string[] }> = Array.from({ length: TEACHERS }, () => ({
    userId: randomUUID(),
    lessonIds: Array.from({ length: LESSONS_EACH }, () => randomUUID()),
  }));
  const userIds = teachers.map((t) => t.userId);
  await seed.query(
    `insert into users (id, email, role, first_name, last_name)
     select id, 'teacher-' || id || '@bench.test', 'teacher', 'Bench', 'Teacher' from unnest($1::uuid[]) id`,
    [userIds],
  );
  await seed.query(`insert into groups (id, teacher_id, name, invite_code) select gen_random_uuid(), id, 'Group', id::text from unnest($1::uuid[]) id`, [userIds]);
  const lessonRows = teachers.flatMap((t) => t.lessonIds.map((lessonId, k) => ({ lessonId, userId: t.userId, startAt: new Date(now.getTime() + (k * 5 - 1) * 60_000) })));
  await seed.query(
    `insert into lessons (id, group_id, teacher_id, title, start_at, end_at)
     select l.id, g.id, l.teacher_id, 'Bench lesson', l.start_at, l.start_at + interval '5 minutes'
       from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) as l(id, teacher_id, start_at)
       join groups g on g.teacher_id = l.teacher_id`,
    [lessonRows.map((r) => r.lessonId), lessonRows.map((r) => r.userId), lessonRows.map((r) => r.startAt)],
  );

  const startLatencies: number[] = [];
  const endLatencies: number[] = [];
  let cycles = 0;
  let exhausted = 0;
  let otherErrors = 0;
  let overbookedSamples = 0;
  let samples = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  // A watcher samples occupancy all along: never more active leases than capacity, never two on a slot.
  const watcher = (async () => {
    while (performance.now() < deadline) {
      const { rows } = await seed.query(
        `select (select count(*) from (select account_id from meeting_leases ml join meeting_accounts a on a.id = ml.account_id
                  where ml.released_at is null group by ml.account_id, a.capacity having count(*) > a.capacity) x) as over,
                (select count(*) from (select 1 from meeting_leases where released_at is null group by account_id, slot having count(*) > 1) y) as doubled`,
      );
      samples += 1;
      if (Number(rows[0].over) || Number(rows[0].doubled)) overbookedSamples += 1;
      await sleep(50);
    }
  })();

  // Harness: one statement every 50 ms makes completed lessons startable again (not part of any timing).
  let harnessWaits = 0;
  const resetter = (async () => {
    while (performance.now() < deadline) {
      await seed.query(`update lessons set status = 'scheduled', meeting_id = null, ended_at = null where status = 'completed'`);
      await sleep(50);
    }
  })();

  async function teacher({ userId, lessonIds }: { userId: string; lessonIds: string[] }) {
    const actor = { userId, role: 'teacher' as const, ip: '127.0.0.1' };
    let turn = 0;
    while (performance.now() < deadline) {
      const lessonId = lessonIds[turn % lessonIds.length]!;
      const t0 = performance.now();
      try {
        await pool.startLesson(actor, lessonId);
        startLatencies.push(performance.now() - t0);
      } catch (error) {
        startLatencies.push(performance.now() - t0);
        if (error instanceof AppError && error.code === 'pool/exhausted') {
          exhausted += 1;
          // A real client waits Retry-After; the simulated teacher comes back within 50-100 ms to keep pressure on.
          await sleep(RETRY_MS + Math.random() * RETRY_MS);
          continue;
        }
        if (error instanceof AppError && error.code === 'lesson/not-startable') {
          // This lesson was not reset yet: the harness's turn, not the pool's.
          startLatencies.pop();
          harnessWaits += 1;
          turn += 1;
          await sleep(10);
          continue;
        }
        otherErrors += 1;
        if (otherErrors < 5) console.error('start failed:', error);
        continue;
      }
      const t1 = performance.now();
      await pool.endLesson(actor, lessonId);
      endLatencies.push(performance.now() - t1);
      cycles += 1;
      turn += 1;
    }
  }

  const began = performance.now();
  await Promise.all(teachers.map(teacher));
  const elapsed = (performance.now() - began) / 1000;
  await Promise.all([watcher, resetter]);

  // Over all leases ever written: two leases of one account slot never overlap in time.
  const { rows: overlaps } = await seed.query(
    `select count(*) as n from meeting_leases a join meeting_leases b
        on a.account_id = b.account_id and a.slot = b.slot and a.id < b.id
     where tstzrange(a.bench_acquired, coalesce(a.bench_released, 'infinity')) && tstzrange(b.bench_acquired, coalesce(b.bench_released, 'infinity'))`,
  );
  const { rows: totals } = await seed.query(`select count(*) as leases, count(*) filter (where released_at is null) as active from meeting_leases`);
  await seed.end();

  const percentile = (values: number[], p: number) => {
    const ordered = [...values].sort((x, y) => x - y);
    return Number((ordered[Math.min(ordered.length - 1, Math.floor((p / 100) * ordered.length))] ?? 0).toFixed(2));
  };
  const pct = (p: number) => percentile(startLatencies, p);
  const attempts = startLatencies.length;
  const report = {
    teachers: TEACHERS,
    accounts: ACCOUNTS,
    seconds: Number(elapsed.toFixed(1)),
    lock: infra.lock.status(),
    synchronousCommit: SYNC_COMMIT,
    retryMs: RETRY_MS,
    machine: { cpus: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)) },
    cycles,
    cyclesPerSecond: Number((cycles / elapsed).toFixed(1)),
    startAttempts: attempts,
    startLatencyMs: { p50: pct(50), p95: pct(95), p99: pct(99) },
    endLatencyMs: { p50: percentile(endLatencies, 50), p99: percentile(endLatencies, 99) },
    harnessWaits,
    share429: Number((exhausted / Math.max(1, attempts)).toFixed(3)),
    otherErrors,
    leasesWritten: Number(totals[0].leases),
    activeLeasesAtEnd: Number(totals[0].active),
    invariant: { overlappingLeasesPerSlot: Number(overlaps[0].n), overbookedSamples, samples },
  };
  console.log(JSON.stringify(report, null, 2));
  if (sqlCounts) {
    const perCycle = [...sqlCounts]
      .sort((a, b) => b[1].n - a[1].n)
      .map(([kind, { n, ms }]) => `${(n / Math.max(1, cycles)).toFixed(3)}/cycle  ${String(n).padStart(6)}  ${(ms / n).toFixed(1).padStart(6)} ms avg  ${kind}`);
    const total = [...sqlCounts.values()].reduce((a, b) => a + b.n, 0);
    console.log(`SQL statements per cycle (${(total / Math.max(1, cycles)).toFixed(2)} in all; time includes waiting for a connection):\n${perCycle.join('\n')}`);
  }
  const ok = report.invariant.overlappingLeasesPerSlot === 0 && overbookedSamples === 0;
  console.log(`cycles/s ${report.cyclesPerSecond} · start p50/p95/p99 ${report.startLatencyMs.p50}/${report.startLatencyMs.p95}/${report.startLatencyMs.p99} ms · 429 share ${(report.share429 * 100).toFixed(1)}% · invariant ${ok ? 'OK' : 'VIOLATED'} · lock ${report.lock.kind}: ${report.lock.acquired} taken, ${report.lock.fallbacks.unavailable + report.lock.fallbacks.contended} fallbacks`);
  await infra.close();
  if (!ok) process.exitCode = 1;
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
  await admin.end();
}

/** Counts every statement the app sends through the ORM's connection, keyed by its first words, with its total time. */
function countStatements(connection: { execute: (...args: never[]) => unknown }): Map<string, { n: number; ms: number }> {
  const counts = new Map<string, { n: number; ms: number }>();
  const execute = connection.execute.bind(connection) as (...args: unknown[]) => Promise<unknown>;
  (connection as { execute: unknown }).execute = async (...args: unknown[]) => {
    const sql = typeof args[0] === 'string' ? args[0] : String((args[0] as { sql?: string })?.sql ?? args[0]);
    const kind = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const entry = counts.get(kind) ?? { n: 0, ms: 0 };
    counts.set(kind, entry);
    entry.n += 1;
    const t0 = performance.now();
    try {
      return await execute(...args);
    } finally {
      entry.ms += performance.now() - t0;
    }
  };
  return counts;
}
