/**
 * The calendar benchmark (run with `npm run bench:calendar`): one teacher with 500 weekly rules and 2,000 stored lessons; measures the
 * calendar service and the HTTP route for a 1-month and a 1-year range (p50/p95 and SQL per request).
 * Builds and drops its own database on the local PostgreSQL.
 */
import pg from 'pg';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { availableParallelism, loadavg } from 'node:os';
import { loadEnv } from '../../server/src/config/env.js';
import { connectDb, migrate } from '../../server/src/infra/db.js';
import { createInfra, type Infra } from '../../server/src/infra/container.js';
import { ManualClock } from '../../server/src/infra/clock.js';
import { startServer } from '../../server/src/server.js';
import { ADMIN_DATABASE_URL, databaseUrl } from '../setup/db-urls.js';
import { queryCounter } from './support.js';

const RULES = 500;
const LESSONS = 2_000;
const MATERIALISED = 200;
const YEAR_START = Date.UTC(2025, 8, 1); // 2025-09-01, a Monday
const DAY = 86_400_000;
const TARGETS = { month: 50, year: 200 };

const iso = (ms: number) => new Date(ms).toISOString();
const isoDate = (ms: number) => iso(ms).slice(0, 10);
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tp_bench_calendar_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const orm = await connectDb(databaseUrl(name));
  await migrate(orm);
  await orm.close(true);
  return {
    url: databaseUrl(name),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Bulk rows straight into the tables: the bench measures reading, not validation. */
async function seed(url: string): Promise<{ teacherId: string }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const teacherId = randomUUID();
  await db.query(`insert into users (id, email, role, first_name, last_name) values ($1, 'bench-teacher@example.test', 'teacher', 'Bench', 'Teacher')`, [teacherId]);
  const groupIds = Array.from({ length: 20 }, () => randomUUID());
  for (const [i, id] of groupIds.entries()) {
    await db.query(`insert into groups (id, teacher_id, name, invite_code) values ($1, $2, $3, $4)`, [id, teacherId, `Group ${i + 1}`, `BENCH${i}${randomBytes(3).toString('hex')}`]);
  }
  const weekTypes = ['ALL', 'UPPER', 'LOWER'] as const;
  const rules: Array<{ id: string; dayOfWeek: number; startMinutes: number; weekType: string }> = [];
  for (let i = 0; i < RULES; i++) {
    const rule = { id: randomUUID(), dayOfWeek: (i % 7) + 1, startMinutes: 7 * 60 + (Math.floor(i / 7) % 28) * 30, weekType: weekTypes[i % 3] };
    rules.push(rule);
    await db.query(
      `insert into recurring_rules (id, group_id, teacher_id, title, day_of_week, week_type, start_time, end_time, timezone, start_date, end_date)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, '2025-09-01', '2026-08-31')`,
      [rule.id, groupIds[i % groupIds.length], teacherId, `Rule ${i + 1}`, rule.dayOfWeek, rule.weekType, hhmm(rule.startMinutes), hhmm(rule.startMinutes + 45), i % 2 ? 'Europe/Berlin' : 'Europe/Moscow'],
    );
  }
  // Stored lessons: five or six a day over the year in distinct slots (the exclusion constraint holds).
  for (let i = 0; i < LESSONS; i++) {
    const start = YEAR_START + Math.floor(i / 6) * DAY + (1 + (i % 6) * 2) * 3_600_000;
    const rule = i < MATERIALISED ? rules[i] : null;
    // A materialised lesson names an occurrence date of its rule (first week the weekday comes round).
    const occurrence = rule ? isoDate(YEAR_START + ((rule.dayOfWeek - 1 + 14 * (i % 20)) % 364) * DAY) : null;
    await db.query(
      `insert into lessons (id, group_id, teacher_id, title, start_at, end_at, status, rule_id, occurrence_date)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [randomUUID(), groupIds[i % groupIds.length], teacherId, `Lesson ${i + 1}`, iso(start), iso(start + 50 * 60_000), i % 10 === 0 ? 'cancelled' : 'scheduled', rule?.id ?? null, occurrence],
    );
  }
  await db.query('analyze');
  await db.end();
  return { teacherId };
}

/**
 * Server-side time of each HTTP request: from the request reaching the app to the response body
 * being handed to the socket (routing, auth, the calendar, serialisation) — without the client's
 * parsing, which shares this process.
 */
function timeServerSide(http: HttpServer): { last(): number } {
  const [app] = http.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  http.removeAllListeners('request');
  let last = 0;
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      last = performance.now() - started;
      return end(...args);
    }) as typeof res.end;
    app(req, res);
  });
  return { last: () => last };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Sample {
  events: number;
  /** For HTTP: the server's own time for the request (see timeServerSide). */
  firstByteMs?: number;
}

async function measure(label: string, runs: number, fn: () => Promise<Sample>, counter: { take(): number }) {
  for (let i = 0; i < 5; i++) await fn(); // warm-up: JIT, connection pool, zone caches
  counter.take();
  const times: number[] = [];
  const firstBytes: number[] = [];
  const queries = new Set<number>();
  let events = 0;
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const sample = await fn();
    times.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    if (sample.firstByteMs !== undefined) firstBytes.push(sample.firstByteMs);
    events = sample.events;
    queries.add(counter.take());
  }
  times.sort((a, b) => a - b);
  firstBytes.sort((a, b) => a - b);
  const server = firstBytes.length ? firstBytes : times;
  cpu.sort((a, b) => a - b);
  return { label, runs, events, p50: percentile(server, 50), p95: percentile(server, 95), totalP95: percentile(times, 95), cpuP50: percentile(cpu, 50), queries: [...queries] };
}

async function main(): Promise<void> {
  const database = await createDatabase();
  let infra: Infra | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    const { teacherId } = await seed(database.url);
    const env = loadEnv({
      DATABASE_URL: database.url,
      JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
      CREDENTIALS_KEY: '0'.repeat(63) + '1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      SEED_DEMO: 'false',
    });
    infra = await createInfra(env, { clock: new ManualClock(new Date('2026-01-15T10:00:00Z')) });
    const server = await startServer(infra, 0);
    close = server.close;
    const serverTimes = timeServerSide(server.http);
    const counter = queryCounter(infra);
    const actor = { userId: teacherId, role: 'teacher' as const };
    const { token } = await infra.tokens.sign(teacherId, 'teacher');
    const ranges = {
      month: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      year: { from: '2025-09-01T00:00:00Z', to: '2026-09-01T00:00:00Z' },
    };
    const viaService = (range: { from: string; to: string }) => async () => ({ events: (await server.ctx.services.schedule.calendar(actor, range)).length });
    const viaHttp = (range: { from: string; to: string }) => async () => {
      const res = await fetch(`${server.url}/api/calendar?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`calendar answered ${res.status}`);
      const events = ((await res.json()) as { events: unknown[] }).events.length;
      return { events, firstByteMs: serverTimes.last() };
    };
    const results = [
      await measure('service 1 month', 100, viaService(ranges.month), counter),
      await measure('service 1 year', 30, viaService(ranges.year), counter),
      await measure('HTTP    1 month', 100, viaHttp(ranges.month), counter),
      await measure('HTTP    1 year', 30, viaHttp(ranges.year), counter),
    ];
    console.log(`\nCalendar benchmark: 1 teacher, ${RULES} rules, ${LESSONS} stored lessons (${MATERIALISED} materialised occurrences)\n`);
    console.log('server time per request (HTTP: request in → response body out, measured in the server); last column: round trip incl. the client parsing');
    console.log(`(CPU ms: this process's CPU time per request, p50 — less sensitive to other load than wall time; load average now ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
    console.log('case              runs  events   p50 ms   p95 ms   CPU ms   SQL/request   p95 incl. client');
    for (const r of results) {
      const client = r.label.startsWith('HTTP') ? `${r.totalP95.toFixed(1)} ms` : '';
      console.log(`${r.label.padEnd(16)} ${String(r.runs).padStart(5)} ${String(r.events).padStart(7)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.cpuP50.toFixed(1).padStart(8)}   ${r.queries.join(',').padEnd(11)}   ${client}`);
    }
    const month = results[0];
    const year = results[1];
    const constant = results.every((r) => r.queries.length === 1 && r.queries[0] === results[0].queries[0]);
    console.log(`\ntargets (service): 1 month p95 ≤ ${TARGETS.month} ms: ${month.p95 <= TARGETS.month ? 'met' : 'MISSED'}; 1 year p95 ≤ ${TARGETS.year} ms: ${year.p95 <= TARGETS.year ? 'met' : 'MISSED'}; constant query count: ${constant ? 'yes' : 'NO'}`);
    if (!constant || month.p95 > TARGETS.month || year.p95 > TARGETS.year) process.exitCode = 1;
  } finally {
    await close?.();
    await infra?.close();
    await database.drop();
  }
}

await main();
