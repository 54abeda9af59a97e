/**
 * Homework under load: 300 students of one group each start a 30-question homework (all nine types)
 * and autosave every answer, then all submit within 10 s while the teacher's submissions view is open
 * on a socket. Real HTTP server, PostgreSQL, sockets; creates and drops its own database.
 * Prints submit p50/p95/p99, autosave p50/p99 and how long after the last submit the teacher's view
 * held all 300 submissions.
 *
 * Options (env): BENCH_STUDENTS (300), BENCH_SUBMIT_SECONDS (10), BENCH_AUTOSAVE_SECONDS (60),
 * BENCH_REDIS_URL (unset: single-node mode).
 */
import pg from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { io as connectSocket } from 'socket.io-client';
import type { AttemptDto, StudentQuestionDto } from '@tp/shared';
import { loadEnv } from '../../server/src/config/env.js';
import { createInfra } from '../../server/src/infra/container.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { connectDb, migrate } from '../../server/src/infra/db.js';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createServices } from '../../server/src/modules/index.js';
import { sampleQuestions } from '../factories/homework.js';
import { ADMIN_DATABASE_URL, databaseUrl } from '../setup/db-urls.js';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 300);
const SUBMIT_SECONDS = Number(process.env.BENCH_SUBMIT_SECONDS ?? 10);
/** Students answer over this many seconds: each of the 30 saves of each student at a random moment in it. */
const AUTOSAVE_SECONDS = Number(process.env.BENCH_AUTOSAVE_SECONDS ?? 60);
const REDIS_URL = process.env.BENCH_REDIS_URL;


const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** A plausible answer from what the student sees (half of them right by chance, which is fine). */
function answerFor(q: StudentQuestionDto): unknown {
  switch (q.type) {
    case 'single_choice':
      return { optionId: q.options[0].id };
    case 'multiple_response':
      return { optionIds: q.options.slice(0, 2).map((o) => o.id) };
    case 'true_false':
      return { value: true };
    case 'short_answer':
      return { text: 'Tolstoy' };
    case 'numeric':
      return { text: '3,14' };
    case 'matching':
      return { pairs: Object.fromEntries(q.stems.map((s, i) => [s.id, q.choices[i].id])) };
    case 'ordering':
      return { order: q.items.map((i) => i.id) };
    case 'cloze':
      return { gaps: Object.fromEntries(q.gaps.map((g) => [g.id, g.options ? g.options[0].id : '100'])) };
    case 'free_text':
      return { text: 'A summer by the sea, every day a swim.' };
  }
}

const dbName = `tp_bench_homework_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = databaseUrl(dbName);

try {
  const migrator = await connectDb(url);
  await migrate(migrator);
  await migrator.close(true);
  const env = loadEnv({
    DATABASE_URL: url,
    ...(REDIS_URL ? { REDIS_URL } : {}),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    JWT_SECRET: randomBytes(32).toString('hex'),
    CREDENTIALS_KEY: (process.env.BENCH_CREDENTIALS_KEY = randomBytes(32).toString('hex')),
  });
  // This process seeds and signs tokens with the same settings; the server runs in a child process.
  const infra = await createInfra(env, { logger: createLogger('silent'), name: 'bench-homework' });
  const services = createServices(infra);
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'homework.server.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, TSX_TSCONFIG_PATH: path.resolve(import.meta.dirname, '../tsconfig.json'), DATABASE_URL: url, JWT_SECRET: env.JWT_SECRET, CREDENTIALS_KEY: process.env.BENCH_CREDENTIALS_KEY!, NODE_ENV: 'test', ...(REDIS_URL ? { REDIS_URL } : {}) },
  });
  const fromServer = <T>(type: string) => new Promise<T>((resolve) => child.on('message', (m: { type: string }) => m.type === type && resolve(m as T)));
  const server = await fromServer<{ url: string }>('ready');
  const serverCpu = async () => {
    const answer = fromServer<{ ms: number }>('cpu');
    child.send({ type: 'cpu' });
    return (await answer).ms;
  };

  // Seed: a teacher, a group of STUDENTS, a published homework of 30 questions (every type).
  const seed = new pg.Client({ connectionString: url });
  await seed.connect();
  const teacherId = randomUUID();
  const studentIds = Array.from({ length: STUDENTS }, () => randomUUID());
  await seed.query(
    `insert into users (id, email, role, first_name, last_name) select id, 'u-' || id || '@bench.test', r, 'Bench', 'User' || n
     from unnest($1::uuid[], $2::text[]) with ordinality as u(id, r, n)`,
    [[teacherId, ...studentIds], ['teacher', ...studentIds.map(() => 'student')]],
  );
  const groupId = randomUUID();
  await seed.query(`insert into groups (id, teacher_id, name, invite_code) values ($1, $2, 'Bench group', $3)`, [groupId, teacherId, groupId.slice(0, 16)]);
  await seed.query(`insert into group_members (group_id, student_id) select $1, id from unnest($2::uuid[]) id`, [groupId, studentIds]);
  const teacher = { userId: teacherId, role: 'teacher' as const };
  const questions = [...sampleQuestions(), ...sampleQuestions(), ...sampleQuestions(), ...sampleQuestions().slice(0, 3)];
  const homework = await services.homework.create(teacher, { groupId, title: 'Bench homework', dueAt: new Date(Date.now() + 86_400_000).toISOString(), attemptsAllowed: 1, gradeBy: 'best', releaseResults: 'immediately' });
  for (const question of questions) await services.homework.addQuestion(teacher, homework.id, question);
  await services.homework.publish(teacher, homework.id);
  await seed.end();

  const tokenOf = async (userId: string, role: 'teacher' | 'student') => (await infra.tokens.sign(userId, role)).token;
  // At most CONNECTIONS requests in flight (kept-alive connections, like browsers each holding one);
  // the time measured starts when a request is sent, not while it waits for a connection here.
  const CONNECTIONS = 64;
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (inFlight >= CONNECTIONS) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight++;
  };
  const release = () => {
    inFlight--;
    waiting.shift()?.();
  };
  const timed = async (into: number[] | null, token: string, method: string, path: string, body?: unknown) => {
    await slot();
    const started = performance.now();
    try {
      return await call(token, method, path, body);
    } finally {
      into?.push(performance.now() - started);
      release();
    }
  };
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // The teacher's submissions view: a snapshot, then live rows.
  const teacherToken = await tokenOf(teacherId, 'teacher');
  const socket = connectSocket(server.url, { auth: { token: teacherToken }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  const snapshot = (await call(teacherToken, 'GET', `/api/homework/${homework.id}/submissions`)) as { rows: Array<{ studentId: string; state: string }> };
  const view = new Map(snapshot.rows.map((r) => [r.studentId, r.state]));
  let submittedInView = 0;
  let lastShownAt = 0;
  socket.on('homework:submitted', (payload: { row: { studentId: string; state: string } }) => {
    if (view.get(payload.row.studentId) !== 'submitted') submittedInView++;
    view.set(payload.row.studentId, 'submitted');
    if (submittedInView === STUDENTS) lastShownAt = performance.now();
  });

  // Phase 1: every student starts, then saves each of the 30 answers at a random moment of AUTOSAVE_SECONDS
  // (with 300 students that is 150 saves a second: a class typing at once).
  const students = await Promise.all(studentIds.map(async (id) => ({ id, token: await tokenOf(id, 'student'), attempt: null as AttemptDto | null })));
  for (const student of students) student.attempt = (await call(student.token, 'POST', `/api/homework/${homework.id}/attempts`)).attempt as AttemptDto;
  const autosaves: number[] = [];
  const cpuBeforeSaves = await serverCpu();
  const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));
  await Promise.all(
    students.flatMap((student) =>
      student.attempt!.questions!.map(async (q) => {
        await sleep(Math.random() * AUTOSAVE_SECONDS * 1000);
        await timed(autosaves, student.token, 'PUT', `/api/attempts/${student.attempt!.id}/answers/${q.id}`, { answer: answerFor(q) });
      }),
    ),
  );

  const cpuPerSave = (await serverCpu() - cpuBeforeSaves) / autosaves.length;

  // Phase 2: all submit within SUBMIT_SECONDS, at random moments.
  const submits: number[] = [];
  const cpuBeforeSubmits = await serverCpu();
  let lastSubmitAt = 0;
  const startAll = performance.now();
  await Promise.all(
    students.map(async (student) => {
      await sleep(Math.random() * SUBMIT_SECONDS * 1000);
      const result = await timed(submits, student.token, 'POST', `/api/attempts/${student.attempt!.id}/submit`);
      const done = performance.now();
      lastSubmitAt = Math.max(lastSubmitAt, done);
      if (result.state !== 'submitted') throw new Error(`unexpected state ${String(result.state)}`);
    }),
  );
  const waitUntil = performance.now() + 10_000;
  while (submittedInView < STUDENTS && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 5));
  const submitWindow = (lastSubmitAt - startAll) / 1000;
  const cpuPerSubmit = (await serverCpu() - cpuBeforeSubmits) / submits.length;

  const check = await services.homework.submissions(teacher, homework.id);
  const stored = check.rows.filter((r) => r.state === 'submitted').length;

  console.log(`homework benchmark — ${STUDENTS} students, ${questions.length} questions (all types), ${cpus().length} CPUs, ${REDIS_URL ? 'Redis' : 'single node'}`);
  console.log(`autosave: ${autosaves.length} saves over ${AUTOSAVE_SECONDS} s  p50 ${ms(percentile(autosaves, 50))}  p99 ${ms(percentile(autosaves, 99))}  (target p99 ≤ 100 ms)`);
  console.log(`submit:   ${submits.length} in ${submitWindow.toFixed(1)} s  p50 ${ms(percentile(submits, 50))}  p95 ${ms(percentile(submits, 95))}  p99 ${ms(percentile(submits, 99))}  (target p99 ≤ 200 ms)`);
  console.log(
    submittedInView === STUDENTS
      ? `teacher's view: all ${STUDENTS} submissions shown ${ms(Math.max(0, lastShownAt - lastSubmitAt))} after the last submit returned (target ≤ 1 s)`
      : `teacher's view: only ${submittedInView} of ${STUDENTS} submissions arrived`,
  );
  console.log(`server CPU: ${cpuPerSave.toFixed(2)} ms per autosave, ${cpuPerSubmit.toFixed(2)} ms per submit (incl. its live row); load average now ${loadavg()[0].toFixed(1)}`);
  console.log(`stored: ${stored} submitted attempts, each graded (${check.rows[0]?.score ?? '?'} of ${check.rows[0]?.maxScore ?? '?'} points, free text pending)`);
  socket.disconnect();
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.on('exit', resolve));
  await infra.close();
} catch (error) {
  console.error('benchmark failed:', error, (error as { cause?: unknown }).cause);
  process.exitCode = 1;
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
