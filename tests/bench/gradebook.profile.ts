/**
 * Where a gradebook build spends its time: each source read, the layout, the arithmetic and the
 * serialisation, timed one by one on the benchmark's 300 × 200 group (median of BENCH_ROUNDS).
 * Run: `npx tsx --tsconfig tests/tsconfig.json tests/bench/gradebook.profile.ts`.
 * Options (env): BENCH_ROUNDS (15); BENCH_EXPLAIN=1 prints EXPLAIN ANALYZE of the three cell reads;
 * BENCH_PAUSE=<seconds> keeps the seeded database that long (its URL is printed) for psql.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadEnv } from '../../server/src/config/env.js';
import { createInfra } from '../../server/src/infra/container.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { createServices } from '../../server/src/modules/index.js';
import { alignCells, buildTable } from '../../server/src/modules/gradebook/gradebook.model.js';
import { withBenchDatabase } from './support.js';
import { seedGradebook } from './gradebook.seed.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

await withBenchDatabase('tp_bench_gbprof', async (url) => {
  const env = loadEnv({ DATABASE_URL: url, LOG_LEVEL: 'silent', NODE_ENV: 'test', SEED_DEMO: 'false', JWT_SECRET: randomBytes(32).toString('hex'), CREDENTIALS_KEY: randomBytes(32).toString('hex') });
  const infra = await createInfra(env, { logger: createLogger('silent'), name: 'bench-gradebook-profile' });
  const services = createServices(infra);
  const seeded = await seedGradebook(url, { students: 300, lessons: 80, homework: 80, controls: 40 }, infra.clock.now());
  const groupId = seeded.groupId;
  const gb = services.gradebook;
  const group = (await gb.repo.group(groupId))!;
  await gb.tables.build(group, { reuse: false });
  const times = new Map<string, number[]>();
  const time = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const value = await fn();
    (times.get(name) ?? times.set(name, []).get(name)!).push(performance.now() - started);
    return value;
  };
  for (let round = 0; round < ROUNDS; round++) {
    await time('students', () => gb.repo.students(groupId));
    await time('settings', () => gb.tables.settings(groupId));
    await time('att columns', () => services.attendance.gradebookColumns(groupId));
    await time('hw columns', () => services.homework.gradebookColumns(groupId));
    await time('cp columns', () => gb.repo.controlPoints(groupId));
    await time('att cells', () => services.attendance.gradebookCells(groupId));
    await time('hw cells', () => services.homework.gradebookCells(groupId));
    await time('cp cells', () => gb.repo.controlCells(groupId));
    await time('kept state', () => gb.tables.keptRows.cacheState(groupId));
    const columns = await time('columns (3 together)', () => gb.tables.sources.columns(groupId));
    const students = await gb.repo.students(groupId);
    const cells = await time('cells (3 together)', () => gb.tables.sources.cells(groupId));
    await time('align', () => alignCells(columns, students.map((s) => s.id), cells));
    const model = await time('model (all reads)', () => gb.tables.model(group));
    const built = await time('calc + dto', () => buildTable(model, 0, new Date()));
    await time('stringify', () => JSON.stringify(built.dto));
    await time('build (whole)', () => gb.tables.build(group, { reuse: false }));
    const studentId = seeded.studentIds[round % seeded.studentIds.length]!;
    await time('one student\'s cells', () => gb.tables.sources.cells(groupId, studentId));
    await time('columns + settings', () => Promise.all([gb.tables.sources.columns(groupId), gb.tables.settings(groupId)]));
    await time('live: one mark', () => gb.live.changed(groupId, [studentId], `att:${seeded.lessonIds[round % seeded.lessonIds.length]}`));
  }
  if (process.env.BENCH_EXPLAIN) {
    const connection = infra.orm.em.getConnection();
    const original = connection.execute.bind(connection);
    const seen: Array<[string, unknown[]]> = [];
    connection.execute = ((sql: string, params: unknown[], ...rest: unknown[]) => (seen.push([sql, params]), (original as (...a: unknown[]) => unknown)(sql, params, ...rest))) as typeof connection.execute;
    await gb.tables.sources.cells(groupId);
    connection.execute = original;
    for (const [sql, params] of seen) {
      const plan = await original(`explain (analyze, buffers) ${sql}`, params, 'all');
      console.log(sql.slice(0, 60).replace(/\s+/g, ' '), '\n', plan.map((r) => Object.values(r)[0]).join('\n'));
    }
  }
  if (process.env.BENCH_PAUSE) {
    console.log(`database ${url} kept for ${process.env.BENCH_PAUSE} s`);
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_PAUSE) * 1000));
  }
  for (const [name, values] of times) console.log(`${name.padEnd(22)} median ${median(values).toFixed(1).padStart(7)} ms   max ${Math.max(...values).toFixed(1).padStart(7)} ms`);
  await infra.close();
});
