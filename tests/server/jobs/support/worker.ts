import pg from 'pg';
import { createInfra, type Infra } from '../../../../server/src/infra/container.js';
import { createLogger } from '../../../../server/src/infra/logger.js';
import type { Clock } from '../../../../server/src/infra/clock.js';
import { createServices, type AppContext } from '../../../../server/src/modules/index.js';
import { defineScheduledJob, startJobQueue, type ScheduledJob } from '../../../../server/src/jobs.js';
import { testEnv } from '../../../setup/app.js';

/** Short polling, retry and expiry, so a test sees a retry within seconds. */
export const QUICK_QUEUE = { QUEUE_POLL_S: '0.5', QUEUE_RETRY_DELAY_S: '1', QUEUE_MAINTENANCE_S: '1' };

/** Test jobs record each run in this table of the test's own database. */
export const RUNS_TABLE = 'test_job_runs';

export interface ProbeData {
  /** Milliseconds the first attempt takes before it records that it finished (a retry is quick). */
  firstAttemptMs?: number;
  /** Throw on attempts below this number (1-based), to test retries and failures. */
  failUntilAttempt?: number;
}

/** A scheduled job that records `started` and `finished` rows, with the worker's pid. */
export const probeJob: ScheduledJob<ProbeData> = defineScheduledJob<ProbeData>({
  name: 'test-probe',
  retryLimit: 3,
  async run(ctx, data, job) {
    const key = job.key ?? job.id;
    await record(ctx.infra, key, 'started');
    if (data.firstAttemptMs && job.retryCount === 0) await new Promise((resolve) => setTimeout(resolve, data.firstAttemptMs));
    if (data.failUntilAttempt && job.retryCount + 1 < data.failUntilAttempt) throw new Error(`probe refused attempt ${job.retryCount + 1}`);
    await record(ctx.infra, key, 'finished');
  },
});

async function record(infra: Infra, key: string, phase: 'started' | 'finished'): Promise<void> {
  await infra.orm.em
    .fork()
    .getConnection()
    .execute(`insert into ${RUNS_TABLE} (job_key, phase, pid, at) values (?, ?, ?, clock_timestamp())`, [key, phase, process.pid]);
}

export async function createRunsTable(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create table if not exists ${RUNS_TABLE} (job_key text not null, phase text not null, pid int not null, at timestamptz not null)`);
  await client.end();
}

export interface RunRow {
  job_key: string;
  phase: 'started' | 'finished';
  pid: number;
  at: Date;
}

export async function runsOf(databaseUrl: string): Promise<RunRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<RunRow>(`select * from ${RUNS_TABLE} order by at`)).rows;
  } finally {
    await client.end();
  }
}

/** A queue worker as `npm run worker` builds it (without the periodic duties), with the probe job. */
export async function startQueueWorker(databaseUrl: string, env: Record<string, string> = {}, clock?: Clock): Promise<AppContext> {
  const config = testEnv({ DATABASE_URL: databaseUrl, ...QUICK_QUEUE, ...env });
  const infra = await createInfra(config, { logger: createLogger(config.LOG_LEVEL), clock });
  const ctx: AppContext = { infra, services: createServices(infra) };
  await startJobQueue(ctx, { work: true, role: 'test-worker', extra: [probeJob] });
  return ctx;
}
