/** Shared plumbing of the socket benchmarks: a throwaway database with users, and child processes over IPC. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { connectDb, migrate } from '../../../server/src/infra/db.js';
import { AccessTokens } from '../../../server/src/modules/auth/access-token.js';
import { systemClock } from '../../../server/src/infra/clock.js';

export const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
export const SECRETS = { JWT_SECRET: randomBytes(32).toString('hex'), CREDENTIALS_KEY: randomBytes(32).toString('hex') };

export interface BenchDatabase {
  url: string;
  admins: string[];
  students: string[];
  groups: string[];
  drop(): Promise<void>;
}

/** A migrated database holding `admins` admins and `students` students spread over `groupCount` groups. */
export async function createBenchDatabase(admins: number, students: number, groupCount: number): Promise<BenchDatabase> {
  const name = `tp_bench_fanout_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const orm = await connectDb(url.toString());
  await migrate(orm);
  await orm.close(true);

  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  const insertUsers = async (role: string, count: number) =>
    (
      await db.query<{ id: string }>(
        `insert into users (id, email, role, first_name, last_name)
         select gen_random_uuid(), $1 || i || '@bench.test', $2, 'Bench', 'User' from generate_series(1, $3::int) i returning id`,
        [`bench-${role}-`, role, count],
      )
    ).rows.map((r) => r.id);
  const adminIds = await insertUsers('admin', admins);
  const studentIds = await insertUsers('student', students);
  const [teacherId] = await insertUsers('teacher', 1);
  const groups = (
    await db.query<{ id: string }>(
      `insert into groups (id, teacher_id, name, invite_code)
       select gen_random_uuid(), $1, 'Bench ' || i, 'bench-' || i || '-' || md5(random()::text) from generate_series(1, $2::int) i returning id`,
      [teacherId, groupCount],
    )
  ).rows.map((r) => r.id);
  await db.query(
    `insert into group_members (group_id, student_id)
     select ($1::uuid[])[1 + (ordinality - 1) % $2], s from unnest($3::uuid[]) with ordinality as s`,
    [groups, groups.length, studentIds],
  );
  await db.end();
  return {
    url: url.toString(),
    admins: adminIds,
    students: studentIds,
    groups,
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await client.end();
    },
  };
}

export async function tokensFor(userIds: string[], role: 'admin' | 'student'): Promise<string[]> {
  const tokens = new AccessTokens(SECRETS.JWT_SECRET, systemClock);
  return Promise.all(userIds.map(async (id) => (await tokens.sign(id, role)).token));
}

/** A child process answering typed IPC messages. */
/**
 * Which cores the benchmark's processes may run on. With two or more cores and `taskset` present,
 * servers take the first core and the client harness the rest, so a comparison between servers is not
 * decided by who wins the shared cores. BENCH_PIN=0 turns pinning off.
 */
export const pinning: { servers: string; clients: string } | null = (() => {
  const cores = availableParallelism();
  if (process.env.BENCH_PIN === '0' || cores < 2) return null;
  if (spawnSync('taskset', ['-c', '0', 'true']).status !== 0) return null;
  return { servers: '0', clients: cores === 2 ? '1' : `1-${cores - 1}` };
})();

export class Child {
  private readonly waiting = new Map<string, Array<(message: Record<string, unknown>) => void>>();
  readonly process: ChildProcess;

  constructor(file: string, env: Record<string, string>, role: 'servers' | 'clients' = file.startsWith('clients') ? 'clients' : 'servers') {
    // BENCH_NODE_ARGS passes extra flags to the children, e.g. `--cpu-prof --cpu-prof-dir=prof`.
    const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const node = [process.execPath, '--expose-gc', '--max-old-space-size=4096', ...extra, '--import', 'tsx', path.resolve(import.meta.dirname, file)];
    // taskset execs node in place, so the IPC channel and the pid stay the child's own.
    const command = pinning ? ['taskset', '-c', pinning[role], ...node] : node;
    this.process = spawn(command[0]!, command.slice(1), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env },
    });
    this.process.on('message', (message: Record<string, unknown>) => {
      const queue = this.waiting.get(String(message.type));
      queue?.shift()?.(message);
    });
  }

  next<T = Record<string, unknown>>(type: string, timeoutMs = 300_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const queue = this.waiting.get(type) ?? [];
      queue.push((message) => {
        clearTimeout(timer);
        resolve(message as T);
      });
      this.waiting.set(type, queue);
    });
  }

  async ask<T = Record<string, unknown>>(command: Record<string, unknown>, reply: string): Promise<T> {
    const answer = this.next<T>(reply);
    this.process.send(command);
    return answer;
  }

  stop(): void {
    if (this.process.connected) this.process.send({ type: 'stop' });
    setTimeout(() => this.process.kill('SIGKILL'), 5_000).unref();
  }
}

export async function startNode(databaseUrl: string, redis: boolean): Promise<{ child: Child; url: string; heapUsed: number; rss: number }> {
  const child = new Child('server.ts', {
    ...SECRETS,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    ...(redis ? { REDIS_URL } : { REDIS_URL: '' }),
    SWEEP_IN_SERVER: 'false',
  });
  const ready = await child.next<{ url: string; heapUsed: number; rss: number }>('ready', 60_000);
  return { child, ...ready };
}

/** The bare WebSocket server that measures the transport floor. */
export async function startBareNode(): Promise<{ child: Child; url: string; heapUsed: number; rss: number }> {
  const child = new Child('bare-server.ts', {});
  const ready = await child.next<{ url: string; heapUsed: number; rss: number }>('ready', 60_000);
  return { child, ...ready };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
