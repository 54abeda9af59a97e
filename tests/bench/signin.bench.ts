/**
 * `npm run bench:signin`: a class signs in at once. 200 students with passwords sign in from one
 * address, their presses spread over 2 s, while 50 other clients (teachers on their calendar,
 * admins on the pool page, students on their profile) call the API and 500 student sockets receive
 * live events. Prints sign-in p50/p99 and throughput, and the other calls' and the events' p99
 * during the bursts beside the same figures without a burst. BENCH_ROUNDS rounds of a quiet window
 * then a burst, pooled: on a shared machine both then see the same neighbours, and the burst's p99
 * comes from several hundred calls rather than being the slowest of one burst's hundred.
 *
 * One server node in its own process (the fan-out benchmark's), over a throwaway database, with
 * Redis unless BENCH_REDIS_URL=none; the sockets in another process. Pinned by default (see
 * `pinning` in fanout/harness.ts): the server gets core 0, and this process (the sign-ins and the
 * API clients, whose own event loop times the calls) and the socket clients core 1, so the harness
 * does not take the server's core and what is measured is the server. The sign-ins stay in this
 * process on purpose: sent from a process of their own they took more of the machine at once (the
 * other calls' burst p99 went from ~40 to ~100 ms, slow inside the server, probably as PostgreSQL
 * and Redis lost CPU), while here they cost this process's event loop, whose delay is printed.
 * The server's hashing threads run niced and are then let onto every core, as they would be in
 * production (BENCH_HASH_CORES narrows them, e.g. `0`). BENCH_PIN=0 shares all cores. Also
 * printed: the server event loop's CPU time per sign-in (from /proc, Linux), its delay, its heap.
 *
 * Options (env): BENCH_SIGNINS (200), BENCH_SPREAD_MS (2000), BENCH_API_CLIENTS (50),
 * BENCH_SOCKETS (500), BENCH_THINK_MS (2000, each API client's pause between calls),
 * BENCH_EVENT_MS (1000, one live event per socket this often), BENCH_IDLE_MS (10000),
 * BENCH_ROUNDS (3), BENCH_DEBUG=1 (list the calls slower than 2 × the idle p99, beside the
 * server's event-loop stalls over 30 ms).
 */
import pg from 'pg';
import argon2 from 'argon2';
import { Agent, get } from 'node:http';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const { Child, createBenchDatabase, pinning, sleep, startNode, tokensFor, SECRETS } = await import('./fanout/harness.js');
const { AccessTokens } = await import('../../server/src/modules/auth/access-token.js');
const { systemClock } = await import('../../server/src/infra/clock.js');
const { PASSWORD_HASH_OPTIONS } = await import('../../server/src/infra/password-hasher.js');

const SIGNINS = Number(process.env.BENCH_SIGNINS ?? 200);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 2000);
const API_CLIENTS = Number(process.env.BENCH_API_CLIENTS ?? 50);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 500);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 2000);
const EVENT_MS = Number(process.env.BENCH_EVENT_MS ?? 1000);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 10000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GROUPS = 10;
const PASSWORD = 'Cl4ssroom-pass';
const redis = process.env.BENCH_REDIS_URL !== 'none';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
};
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '—');

// Pinned, this process (the sign-ins and the other API clients) joins the socket clients on their core.
if (pinning) spawnSync('taskset', ['-a', '-p', '-c', pinning.clients, String(process.pid)], { stdio: 'ignore' });
console.log(pinning ? `pinned: server on core ${pinning.servers}; this harness and the socket clients on core ${pinning.clients}` : `not pinned: server, clients, PostgreSQL and Redis share all ${availableParallelism()} cores`);
console.log(`sign-in benchmark: ${SIGNINS} sign-ins from one address within ${SPREAD_MS} ms; ${API_CLIENTS} API clients (pause ${THINK_MS} ms); ${SOCKETS} sockets, an event each every ${EVENT_MS} ms; ${redis ? 'Redis' : 'single node'}`);
console.log(`argon2id m=${PASSWORD_HASH_OPTIONS.memoryCost / 1024} MiB t=${PASSWORD_HASH_OPTIONS.timeCost} p=${PASSWORD_HASH_OPTIONS.parallelism}`);

// Students: the first SOCKETS hold the live sockets, the next SIGNINS sign in (others are online already).
const db = await createBenchDatabase(Math.ceil(API_CLIENTS / 3), SOCKETS + SIGNINS, GROUPS);
const setup = new pg.Client({ connectionString: db.url });
await setup.connect();
const signInIds = db.students.slice(SOCKETS);
await setup.query(`update users set password_hash = $1 where id = any($2::uuid[])`, [await argon2.hash(PASSWORD, PASSWORD_HASH_OPTIONS), signInIds]);
const emails = (await setup.query<{ email: string }>(`select email from users where id = any($1::uuid[])`, [signInIds])).rows.map((r) => r.email);
const teacherId = (await setup.query<{ id: string }>(`select id from users where role = 'teacher' limit 1`)).rows[0]!.id;
await setup.query(`insert into meeting_accounts (id, provider, label, email) select gen_random_uuid(), 'demo', 'Room ' || n, 'room' || n || '@bench.test' from generate_series(1, 20) n`);
await setup.end();

// Pinned to one core, the server would size its hashing for one; in production it sees them all.
process.env.PASSWORD_HASH_CONCURRENCY ??= String(cpus().length);
const node = await startNode(db.url, redis);
const clients = new Child('clients.ts', {});
const stopAll = () => {
  clients.stop();
  node.child.stop();
};

try {
  await clients.next('ready');
  // Pinning keeps the server's event loop off the harness's core; its niced hashing threads, as in
  // production, may use spare time on every core (the harness, at normal priority, comes first).
  const hashing = await node.child.ask<{ threads: number; niced: boolean; tids: number[] }>({ type: 'hashThreads' }, 'hashThreads');
  if (pinning) for (const tid of hashing.tids) spawnSync('taskset', ['-p', '-c', process.env.BENCH_HASH_CORES ?? `0-${cpus().length - 1}`, String(tid)], { stdio: 'ignore' });
  console.log(`hashing threads: ${hashing.threads}, ${hashing.niced ? 'niced' : 'NOT niced'}${pinning ? ', free to run on every core' : ''}; sign-ins take turns ${hashing.threads + 1} at a time`);
  const socketTokens = await tokensFor(db.students.slice(0, SOCKETS), 'student');
  const connected = await clients.ask<{ open: number; failedConnects: number }>({ type: 'connect', identities: socketTokens.map((token) => ({ url: node.url, token })) }, 'connected');
  console.log(`sockets open: ${connected.open} of ${SOCKETS}`);

  // The other API clients: a third teachers on a month of calendar, a third admins on the pool page, a third students on their profile.
  const tokens = new AccessTokens(SECRETS.JWT_SECRET, systemClock);
  const teacherToken = (await tokens.sign(teacherId, 'teacher')).token;
  const adminTokens = await tokensFor(db.admins, 'admin');
  const studentTokens = socketTokens.length ? socketTokens : await tokensFor(db.students.slice(0, 1), 'student');
  const monthFrom = new Date(Date.now() - 14 * 86_400_000).toISOString();
  const monthTo = new Date(Date.now() + 14 * 86_400_000).toISOString();
  const calls = [
    { kind: 'calendar', path: `/api/calendar?from=${encodeURIComponent(monthFrom)}&to=${encodeURIComponent(monthTo)}`, token: () => teacherToken },
    { kind: 'pool page', path: '/api/pool/accounts', token: (i: number) => adminTokens[i % adminTokens.length]! },
    { kind: 'profile', path: '/api/auth/me', token: (i: number) => studentTokens[i % studentTokens.length]! },
  ];

  let apiLatencies: Array<{ at: number; ms: number; kind: string }> = [];
  let apiErrors = 0;
  let running = true;
  // Each client its own kept-alive connection, apart from the sign-ins' (they come from other machines).
  const callApi = (path: string, token: string, agent: Agent) =>
    new Promise<number>((resolve) => {
      get(node.url + path, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0))).on('error', () => resolve(0));
    });
  const apiClient = async (i: number) => {
    const call = calls[i % calls.length]!;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await sleep(Math.random() * THINK_MS);
    while (running) {
      const t0 = performance.now();
      const status = await callApi(call.path, call.token(i), agent);
      if (status !== 200) apiErrors++;
      apiLatencies.push({ at: t0, ms: performance.now() - t0, kind: call.kind });
      await sleep(THINK_MS);
    }
    agent.destroy();
  };
  const eventLoop = async () => {
    while (running) {
      const started = performance.now();
      await node.child.ask({ type: 'emit', groups: db.groups, adminEvents: 0 }, 'emitted');
      await sleep(Math.max(0, EVENT_MS - (performance.now() - started)));
    }
  };

  const background = [...Array.from({ length: API_CLIENTS }, (_, i) => apiClient(i)), eventLoop()];
  await sleep(2000); // warm-up: connections, JIT, database caches

  // The server's main thread (the event loop): its CPU time, read from /proc (Linux), in ms.
  const serverPid = node.child.process.pid!;
  const loopCpuMs = () => {
    try {
      const fields = readFileSync(`/proc/${serverPid}/task/${serverPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return NaN;
    }
  };
  type Window = { wallStart: number; perfStart: number; serverLoop: { p99: number; max: number; stalls: Array<{ at: number; ms: number }> }; loopCpuMs: number; spanMs: number; calls: typeof apiLatencies; errors: number; events: { received: number; p50: number; p99: number }; harnessLag: number };
  // This process times the calls: its own event-loop delay is part of every figure, so it is shown.
  const harnessLoop = monitorEventLoopDelay({ resolution: 10 });
  harnessLoop.enable();
  /** The other calls started, and the events received, while `during` runs. */
  const measure = async (during: () => Promise<unknown>): Promise<Window> => {
    await Promise.all([clients.ask({ type: 'reset' }, 'reset'), node.child.ask({ type: 'loop' }, 'loop')]);
    apiLatencies = [];
    apiErrors = 0;
    harnessLoop.reset();
    const from = performance.now();
    const wallStart = Date.now();
    const cpuFrom = loopCpuMs();
    await during();
    const to = performance.now();
    const cpuTo = loopCpuMs();
    const serverLoop = await node.child.ask<Window['serverLoop']>({ type: 'loop' }, 'loop');
    const events = await clients.ask<{ received: number; p50: number; p99: number }>({ type: 'report' }, 'report');
    return { wallStart, perfStart: from, serverLoop, loopCpuMs: cpuTo - cpuFrom, spanMs: to - from, calls: apiLatencies.filter((l) => l.at >= from && l.at <= to), errors: apiErrors, events, harnessLag: harnessLoop.percentile(99) / 1e6 };
  };

  // Rounds of a quiet window then a burst, so both see the same neighbours on a shared machine.
  const idle: Window[] = [];
  const burst: Window[] = [];
  const signInMs: number[] = [];
  const statuses = new Map<number, number>();
  const burstSpans: number[] = [];
  type Memory = { heapUsed: number; rss: number };
  const heapBefore = await node.child.ask<Memory>({ type: 'memory' }, 'memory');
  for (let round = 0; round < ROUNDS; round++) {
    idle.push(await measure(() => sleep(IDLE_MS)));
    // The burst: every student presses "Sign in" at a random moment within SPREAD_MS.
    const roundStart = performance.now();
    burst.push(
      await measure(() =>
        Promise.all(
          emails.map(async (email) => {
            await sleep(Math.random() * SPREAD_MS);
            const t0 = performance.now();
            const res = await fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) }).catch(() => null);
            await res?.arrayBuffer();
            const status = res?.status ?? 0;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            signInMs.push(performance.now() - t0);
          }),
        ),
      ),
    );
    burstSpans.push(performance.now() - roundStart);
  }
  running = false;
  await Promise.all(background);
  const heapAfter = await node.child.ask<Memory>({ type: 'memory' }, 'memory');

  const p99Of = (windows: Window[]) => percentile(windows.flatMap((w) => w.calls.map((l) => l.ms)), 99);
  const idleCalls = idle.flatMap((w) => w.calls);
  const burstCalls = burst.flatMap((w) => w.calls);
  const idleApi = idleCalls.map((l) => l.ms);
  const burstApi = burstCalls.map((l) => l.ms);
  const ok = statuses.get(200) ?? 0;
  const signInP99 = percentile(signInMs, 99);
  const apiRatio = percentile(burstApi, 99) / percentile(idleApi, 99);
  const sum = (windows: Window[], of: (w: Window) => number) => windows.reduce((total, w) => total + of(w), 0);
  const worst = (windows: Window[], of: (w: Window) => number) => Math.max(...windows.map(of));

  console.log('\nsign-ins');
  console.log(`  answered: ${[...statuses].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ')} (${ROUNDS} rounds of ${SIGNINS})`);
  console.log(`  latency p50 ${ms(percentile(signInMs, 50))}, p99 ${ms(signInP99)}, max ${ms(Math.max(...signInMs))}`);
  const span = burstSpans.reduce((a, b) => a + b, 0) / ROUNDS;
  console.log(`  throughput ${(ok / ROUNDS / (span / 1000)).toFixed(1)} sign-ins/s (first press to last answer ${(span / 1000).toFixed(2)} s, mean of ${ROUNDS})`);
  console.log(`  per round, other calls p99 without → during burst: ${idle.map((w, i) => `${ms(p99Of([w]))} → ${ms(p99Of([burst[i]!]))}`).join('; ')}`);
  const idleLoadPerMs = sum(idle, (w) => w.loopCpuMs) / sum(idle, (w) => w.spanMs);
  const signInLoopMs = (sum(burst, (w) => w.loopCpuMs) - idleLoadPerMs * sum(burst, (w) => w.spanMs)) / (SIGNINS * ROUNDS);
  console.log(`  server event loop: ${(idleLoadPerMs * 100).toFixed(0)} % busy without a burst, ${((sum(burst, (w) => w.loopCpuMs) / sum(burst, (w) => w.spanMs)) * 100).toFixed(0)} % during; ${signInLoopMs.toFixed(1)} ms of its CPU per sign-in`);
  console.log('\n                         without burst     during burst   (all rounds)');
  console.log(`  other API calls   p50  ${ms(percentile(idleApi, 50)).padStart(10)}     ${ms(percentile(burstApi, 50)).padStart(10)}`);
  console.log(`                    p99  ${ms(percentile(idleApi, 99)).padStart(10)}     ${ms(percentile(burstApi, 99)).padStart(10)}   (${idleApi.length} / ${burstApi.length} calls, ${sum(idle, (w) => w.errors)} / ${sum(burst, (w) => w.errors)} not 200)`);
  for (const { kind } of calls) {
    const of = (list: typeof idleCalls) => list.filter((l) => l.kind === kind).map((l) => l.ms);
    console.log(`    ${kind.padEnd(14)}p99  ${ms(percentile(of(idleCalls), 99)).padStart(10)}     ${ms(percentile(of(burstCalls), 99)).padStart(10)}`);
  }
  console.log(`  socket events     p50  ${ms(worst(idle, (w) => w.events.p50)).padStart(10)}     ${ms(worst(burst, (w) => w.events.p50)).padStart(10)}   (worst round)`);
  console.log(`                    p99  ${ms(worst(idle, (w) => w.events.p99)).padStart(10)}     ${ms(worst(burst, (w) => w.events.p99)).padStart(10)}   (${sum(idle, (w) => w.events.received)} / ${sum(burst, (w) => w.events.received)} events)`);
  console.log(`  server event-loop delay p99 ${ms(worst(idle, (w) => w.serverLoop.p99)).padStart(8)}     ${ms(worst(burst, (w) => w.serverLoop.p99)).padStart(10)}   (worst round; max ${ms(worst(idle, (w) => w.serverLoop.max))} → ${ms(worst(burst, (w) => w.serverLoop.max))})`);
  console.log(`  harness event-loop delay p99 ${ms(worst(idle, (w) => w.harnessLag)).padStart(7)}     ${ms(worst(burst, (w) => w.harnessLag)).padStart(10)}   (worst round; part of the figures above)`);
  console.log(`  server heap after a full GC: ${(heapBefore.heapUsed / 2 ** 20).toFixed(1)} MB before the rounds, ${(heapAfter.heapUsed / 2 ** 20).toFixed(1)} MB after (${(((heapAfter.heapUsed - heapBefore.heapUsed) / (SIGNINS * ROUNDS)) / 1024).toFixed(1)} KB per sign-in)`);
  if (process.env.BENCH_DEBUG) {
    const slow = (windows: Window[]) =>
      windows.map((w, i) => {
        const start = w.calls[0]!.at;
        const calls = w.calls.filter((l) => l.ms > 2 * percentile(idleApi, 99)).map((l) => `${l.kind} ${l.ms.toFixed(0)} ms at +${((l.at - start) / 1000).toFixed(2)} s`);
        const stalls = w.serverLoop.stalls.map((s) => `${s.ms.toFixed(0)} ms ending at +${((s.at - (w.wallStart + (start - w.perfStart))) / 1000).toFixed(2)} s`);
        return `round ${i + 1}: ${calls.join(', ') || 'none'}\n           server loop stalls: ${stalls.join(', ') || 'none'}`;
      });
    console.log(`calls slower than 2 × the idle p99:\n  idle   ${slow(idle).join('\n         ')}\n  burst  ${slow(burst).join('\n         ')}`);
  }
  console.log(`\ntargets: sign-in p99 ≤ 5 s: ${signInP99 <= 5000 ? 'met' : 'MISSED'}; other API p99 ≤ 2 × idle: ${apiRatio <= 2 ? 'met' : 'MISSED'} (${apiRatio.toFixed(2)} ×); all ${SIGNINS} signed in every round: ${ok === SIGNINS * ROUNDS ? 'yes' : 'NO'}`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores (a shared machine: figures vary from run to run)`);
} finally {
  stopAll();
  await sleep(500);
  await db.drop();
}
