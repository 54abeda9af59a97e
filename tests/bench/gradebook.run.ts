/**
 * The gradebook under load: a group of 300 students × 200 columns (80 marked lessons, 80 graded
 * homework, 40 scored control points). Prints the snapshot's build time (in the service and over
 * HTTP) and size; then, with 50 sockets watching (25 on the whole table, 25 students on their own
 * row), a stream of attendance marks at 20 a second: the time from sending a mark to every viewer
 * that may see it having the new cell and total; and the SQL statements one mark costs, in this
 * group and in a group of 3 (constant). The server runs in a child process; creates and drops its
 * own database.
 *
 * Options (env): BENCH_STUDENTS (300), BENCH_MARKS_PER_SECOND (20), BENCH_SECONDS (30), BENCH_REDIS_URL,
 * BENCH_SERVER_NODE_ARGS (node options for the server process).
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { GradebookDto } from '@tp/shared';
import { loadEnv } from '../../server/src/config/env.js';
import { createInfra } from '../../server/src/infra/container.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { createServices } from '../../server/src/modules/index.js';
import { queryCounter, withBenchDatabase } from './support.js';
import { seedGradebook } from './gradebook.seed.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 300);
const MARKS_PER_SECOND = Number(process.env.BENCH_MARKS_PER_SECOND ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const REDIS_URL = process.env.BENCH_REDIS_URL;
/** Node options for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the mark path. */
const CHILD_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SNAPSHOTS = 30;
const TABLE_VIEWERS = 25;
const STUDENT_VIEWERS = 25;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;
const step = (what: string) => process.stderr.write(`… ${what}\n`);
const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

await withBenchDatabase('tp_bench_gradebook', async (url) => {
  const env = loadEnv({
    DATABASE_URL: url,
    ...(REDIS_URL ? { REDIS_URL } : {}),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    JWT_SECRET: randomBytes(32).toString('hex'),
    CREDENTIALS_KEY: randomBytes(32).toString('hex'),
  });
  const infra = await createInfra(env, { logger: createLogger('silent'), name: 'bench-gradebook' });
  const services = createServices(infra);
  const now = infra.clock.now();
  const seeded = await seedGradebook(url, { students: STUDENTS, lessons: 80, homework: 80, controls: 40 }, now);
  const small = await seedGradebook(url, { students: 3, lessons: 2, homework: 2, controls: 1 }, now);
  const teacher = { userId: seeded.teacherId, role: 'teacher' as const };
  step('seeded');

  // the same server code in a child process, so this load generator does not share its event loop
  const child = spawn(process.execPath, [...CHILD_ARGS, '--import', 'tsx', path.resolve(import.meta.dirname, 'homework.server.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, TSX_TSCONFIG_PATH: path.resolve(import.meta.dirname, '../tsconfig.json'), DATABASE_URL: url, JWT_SECRET: env.JWT_SECRET, CREDENTIALS_KEY: env.CREDENTIALS_KEY, NODE_ENV: 'test', ...(REDIS_URL ? { REDIS_URL } : {}) },
  });
  const server = await new Promise<{ url: string }>((resolve) => child.on('message', (m: { type: string; url: string }) => m.type === 'ready' && resolve(m)));
  const tokenOf = async (userId: string, role: 'teacher' | 'student') => (await infra.tokens.sign(userId, role)).token;
  const teacherToken = await tokenOf(seeded.teacherId, 'teacher');
  const get = async (path: string, token = teacherToken) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text}`);
    return text;
  };

  step('server ready');
  // ---- snapshots: in the service (this process) and over HTTP (the child server)
  await services.gradebook.gradebook(teacher, seeded.groupId); // warm: the kept rows are written once
  const group = (await services.gradebook.repo.group(seeded.groupId))!;
  const serviceTimes: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < SNAPSHOTS; i++) {
    const started = performance.now();
    // built from the database every time (no table kept from the previous read)
    await services.gradebook.tables.build(group, { reuse: false });
    serviceTimes.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerBuild = (cpu.user + cpu.system) / 1000 / SNAPSHOTS;
  const httpTimes: number[] = [];
  const healthTimes: number[] = [];
  let body = '';
  await get(`/api/groups/${seeded.groupId}/gradebook`);
  for (let i = 0; i < SNAPSHOTS; i++) {
    let started = performance.now();
    body = await get(`/api/groups/${seeded.groupId}/gradebook`);
    httpTimes.push(performance.now() - started);
    started = performance.now();
    await get('/api/health');
    healthTimes.push(performance.now() - started);
  }
  const table = JSON.parse(body) as GradebookDto;
  const bytes = Buffer.byteLength(body);

  step('snapshots timed');
  // ---- statements per mark, here and in a group of 3
  const counter = queryCounter(infra);
  const statementsPerMark = async (group: typeof seeded) => {
    const actor = { userId: group.teacherId, role: 'teacher' as const };
    counter.take();
    await services.attendance.saveMarks(actor, group.lessonIds[0]!, [{ studentId: group.studentIds[1]!, status: 'late' }]);
    const whole = counter.take();
    await services.gradebook.live.changed(group.groupId, [group.studentIds[1]!], `att:${group.lessonIds[0]}`);
    return { whole, gradebook: counter.take() };
  };
  const bigCost = await statementsPerMark(seeded);
  const smallCost = await statementsPerMark(small);

  step('statements counted');
  // ---- 50 viewers, a stream of marks
  const connect = async (token: string) => {
    const socket: Socket = connectSocket(server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve) => socket.once('session:ready', () => resolve()));
    const answer = (await socket.emitWithAck('gradebook:watch', { groupId: seeded.groupId })) as { ok: boolean };
    if (!answer.ok) throw new Error('watch refused');
    return socket;
  };
  const pending = new Map<string, { sentAt: number; waiting: Set<Socket>; done: (latency: number) => void }>();
  const latencies: number[] = [];
  const arrived = (socket: Socket, studentId: string, columnId: string | null, total: unknown) => {
    for (const [key, mark] of pending) {
      if (!key.startsWith(`${studentId}|`) || (columnId && key !== `${studentId}|${columnId}`) || total === undefined) continue;
      mark.waiting.delete(socket);
      if (!mark.waiting.size) mark.done(performance.now() - mark.sentAt);
    }
  };
  const listen = (socket: Socket) => {
    socket.on('gradebook:cell', (p: { studentId: string; columnId: string; row: { total: unknown } }) => arrived(socket, p.studentId, p.columnId, p.row.total));
    const rows = (p: { rows: Array<{ student: { id: string }; total: unknown }> }) => p.rows.forEach((r) => arrived(socket, r.student.id, null, r.total));
    socket.on('gradebook:row', rows);
    socket.on('gradebook:column', rows);
  };
  const tableViewers = await Promise.all(Array.from({ length: TABLE_VIEWERS }, () => connect(teacherToken)));
  const watchingStudents = seeded.studentIds.slice(0, STUDENT_VIEWERS);
  const studentViewers = new Map(await Promise.all(watchingStudents.map(async (id) => [id, await connect(await tokenOf(id, 'student'))] as const)));
  [...tableViewers, ...studentViewers.values()].forEach(listen);

  step('viewers watching');
  const statuses = ['present', 'late', 'excused', 'absent'] as const;
  const marks = MARKS_PER_SECOND * SECONDS;
  const sends: Array<Promise<void>> = [];
  const startedAll = performance.now();
  for (let i = 0; i < marks; i++) {
    const at = startedAll + (i * 1000) / MARKS_PER_SECOND;
    await sleep(Math.max(0, at - performance.now()));
    // every student in turn (a mark never overlaps an earlier one of the same student), a random lesson
    const studentId = seeded.studentIds[i % seeded.studentIds.length]!;
    const lessonId = seeded.lessonIds[Math.floor(Math.random() * seeded.lessonIds.length)]!;
    const key = `${studentId}|att:${lessonId}`;
    const waiting = new Set<Socket>([...tableViewers, ...(studentViewers.has(studentId) ? [studentViewers.get(studentId)!] : [])]);
    sends.push(
      new Promise<void>((resolve) => {
        pending.set(key, { sentAt: performance.now(), waiting, done: (latency) => (latencies.push(latency), pending.delete(key), resolve()) });
        void fetch(`${server.url}/api/lessons/${lessonId}/attendance`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${teacherToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ marks: [{ studentId, status: statuses[i % statuses.length] }] }),
        }).then((res) => {
          if (!res.ok) throw new Error(`mark refused: ${res.status}`);
        });
      }),
    );
  }
  await Promise.race([Promise.all(sends), sleep(15_000)]);
  const sentFor = (performance.now() - startedAll) / 1000;

  // a reload right after a change: the node hands out its kept table, patched by the change (one at a time, nothing else running)
  const busyTimes: number[] = [];
  for (let i = 0; i < SNAPSHOTS; i++) {
    await fetch(`${server.url}/api/lessons/${seeded.lessonIds[i]}/attendance`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${teacherToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ marks: [{ studentId: seeded.studentIds[i]!, status: 'present' }] }),
    });
    await sleep(100);
    const started = performance.now();
    await get(`/api/groups/${seeded.groupId}/gradebook`);
    busyTimes.push(performance.now() - started);
  }

  // the table a node hands out after all those marks (kept and patched by each one) equals one built afresh
  await sleep(1000);
  const served = JSON.parse(await get(`/api/groups/${seeded.groupId}/gradebook`)) as GradebookDto;
  const fresh = (await services.gradebook.tables.build(group, { reuse: false })).table;
  const content = (t: GradebookDto) => JSON.stringify([t.columns, t.rows, t.averages, t.categories, t.scale]);
  const servedMatches = content(served) === content(fresh);

  console.log(`gradebook benchmark — ${STUDENTS} students × ${table.columns.length} columns, ${cpus().length} CPUs, ${REDIS_URL ? 'Redis' : 'single node'}`);
  console.log(`baseline (same run): GET /api/health p50 ${ms(percentile(healthTimes, 50))}  p95 ${ms(percentile(healthTimes, 95))}`);
  console.log(`snapshot, service (built from the database): p50 ${ms(percentile(serviceTimes, 50))}  p95 ${ms(percentile(serviceTimes, 95))}  CPU ${ms(cpuPerBuild)} per build  (target p95 ≤ 150 ms)`);
  console.log(`snapshot, HTTP, unchanged table (kept on the node): p50 ${ms(percentile(httpTimes, 50))}  p95 ${ms(percentile(httpTimes, 95))}  size ${(bytes / 1024 / 1024).toFixed(2)} MB uncompressed (target ≤ 1.5 MB)`);
  console.log(`snapshot, HTTP, right after a change (kept table patched by the change): p50 ${ms(percentile(busyTimes, 50))}  p95 ${ms(percentile(busyTimes, 95))}`);
  console.log(
    `marks: ${latencies.length} of ${marks} reached every viewer (${TABLE_VIEWERS} on the table, ${STUDENT_VIEWERS} students on their own row) over ${sentFor.toFixed(1)} s;` +
      ` mark → every viewer p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  max ${ms(Math.max(...latencies))}  (target p99 ≤ 250 ms)`,
  );
  console.log(`table served after ${latencies.length + SNAPSHOTS} marks (kept and patched on the node) equals a fresh build: ${servedMatches ? 'yes' : 'NO'}`);
  console.log(`SQL statements per mark: ${bigCost.whole} for the whole save (attendance + gradebook), ${bigCost.gradebook} of them the gradebook's, in ${STUDENTS} × ${table.columns.length}; ${smallCost.whole} / ${smallCost.gradebook} in a group of 3`);
  console.log(`load average now ${loadavg()[0].toFixed(1)}`);
  for (const socket of [...tableViewers, ...studentViewers.values()]) socket.disconnect();
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.on('exit', resolve));
  await infra.close();
}).catch((error: unknown) => {
  console.error('benchmark failed:', error, (error as { cause?: unknown }).cause);
  process.exitCode = 1;
});
