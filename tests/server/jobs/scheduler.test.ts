import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildTeacher } from '../../factories/users.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';
import type { AppContext } from '../../../server/src/modules/index.js';
import type { JobsOverview } from '@tp/shared';
import { createRunsTable, probeJob, QUICK_QUEUE, runsOf, startQueueWorker, type RunRow } from './support/worker.js';

let app: TestApp;
let workerA: AppContext;
let workerB: AppContext;

beforeAll(async () => {
  app = await createTestApp({ env: QUICK_QUEUE });
  await createRunsTable(app.databaseUrl);
  // Two workers over one database, each with its own connections, as two `npm run worker` would be.
  workerA = await startQueueWorker(app.databaseUrl, {}, app.clock);
  workerB = await startQueueWorker(app.databaseUrl, {}, app.clock);
});
afterAll(async () => {
  await workerA.infra.close();
  await workerB.infra.close();
});

const clock = () => app.clock as ManualClock;
const scheduler = () => workerA.services.jobs.scheduler;
const runsFor = async (key: string, phase?: RunRow['phase']) => (await runsOf(app.databaseUrl)).filter((r) => r.job_key === key && (!phase || r.phase === phase));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the queue will hand the waiting job out, by the database's clock. */
async function startAfterOf(key: string): Promise<Date> {
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`select start_after from pgboss.job where name = $1 and singleton_key = $2 and state < 'active'`, [probeJob.name, key]);
    expect(rows).toHaveLength(1);
    return rows[0].start_after as Date;
  } finally {
    await client.end();
  }
}

describe('scheduled jobs', () => {
  it('runs a job within 5 s of its moment and not before', async () => {
    await scheduler().schedule(probeJob, 'on-time', new Date(clock().now().getTime() + 3_000), {});
    const due = await startAfterOf('on-time');
    await expect.poll(() => runsFor('on-time', 'finished'), { timeout: 15_000, interval: 200 }).toHaveLength(1);
    const [started] = await runsFor('on-time', 'started');
    const lateMs = started!.at.getTime() - due.getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(5_000);
  });

  it('runs each of many jobs exactly once across two workers', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `pair-${i}`);
    const at = new Date(clock().now().getTime() + 1_000);
    await Promise.all(keys.map((key, i) => (i % 2 ? workerB : workerA).services.jobs.scheduler.schedule(probeJob, key, at, {})));
    await expect.poll(async () => (await runsOf(app.databaseUrl)).filter((r) => r.job_key.startsWith('pair-') && r.phase === 'finished').length, { timeout: 20_000, interval: 250 }).toBe(20);
    await sleep(1_500); // a second run would show up by now
    const runs = (await runsOf(app.databaseUrl)).filter((r) => r.job_key.startsWith('pair-'));
    for (const key of keys) expect(runs.filter((r) => r.job_key === key).map((r) => r.phase)).toEqual(['started', 'finished']);
  });

  it('moves a waiting job when the moment changes and forgets a cancelled one', async () => {
    const now = clock().now().getTime();
    await scheduler().schedule(probeJob, 'moved', new Date(now + 1_500), {});
    await scheduler().reschedule(probeJob, 'moved', new Date(now + 4_000), {});
    const movedTo = (await scheduler().scheduledAt(probeJob, 'moved'))!.getTime();
    expect(Math.abs(movedTo - (now + 4_000))).toBeLessThan(1_000);
    const due = await startAfterOf('moved');

    await scheduler().schedule(probeJob, 'cancelled', new Date(now + 1_000), {});
    expect(await scheduler().cancel(probeJob, 'cancelled')).toBe(true);
    expect(await scheduler().cancel(probeJob, 'cancelled')).toBe(false);
    expect(await scheduler().scheduledAt(probeJob, 'cancelled')).toBeNull();

    await expect.poll(() => runsFor('moved', 'finished'), { timeout: 15_000, interval: 200 }).toHaveLength(1);
    expect((await runsFor('moved', 'started'))[0]!.at.getTime()).toBeGreaterThanOrEqual(due.getTime());
    await sleep(1_000);
    expect(await runsFor('moved')).toHaveLength(2);
    expect(await runsFor('cancelled')).toHaveLength(0);
  });

  it('schedules inside the caller’s transaction: nothing runs when it rolls back', async () => {
    const em = workerA.infra.orm.em.fork();
    await expect(
      em.transactional(async () => {
        await scheduler().schedule(probeJob, 'rolled-back', clock().now(), {});
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await workerA.infra.orm.em.fork().transactional(async () => {
      await scheduler().schedule(probeJob, 'committed', clock().now(), {});
    });
    await expect.poll(() => runsFor('committed', 'finished'), { timeout: 10_000, interval: 200 }).toHaveLength(1);
    expect(await runsFor('rolled-back')).toHaveLength(0);
  });
});

describe('failed jobs in the admin view', () => {
  it('shows a job out of attempts with its last error; an admin retries it and it completes', async () => {
    const admin = await buildAdmin(app);
    const teacher = await buildTeacher(app);
    // The probe allows 3 retries (4 attempts); it succeeds only from the 5th.
    await scheduler().schedule(probeJob, 'stubborn', clock().now(), { failUntilAttempt: 5 });
    const failedJob = async () => {
      const res = await request(app.url).get('/api/admin/jobs').set('Authorization', `Bearer ${admin.token}`);
      expect(res.status).toBe(200);
      return (res.body as JobsOverview).failed.find((job) => job.summary === 'stubborn');
    };
    await expect.poll(failedJob, { timeout: 40_000, interval: 500 }).toBeTruthy();
    const failed = (await failedJob())!;
    expect(failed).toMatchObject({ queue: probeJob.name, attempts: 4, lastError: 'probe refused attempt 4' });
    expect(await runsFor('stubborn', 'finished')).toHaveLength(0);

    const overview = (await request(app.url).get('/api/admin/jobs').set('Authorization', `Bearer ${admin.token}`)).body as JobsOverview;
    expect(overview.queues.find((q) => q.queue === probeJob.name)).toMatchObject({ failed: 1 });
    expect(overview.queues.map((q) => q.queue)).toContain('mail-send');

    expect((await request(app.url).post(`/api/admin/jobs/${failed.id}/retry`).set('Authorization', `Bearer ${teacher.token}`)).status).toBe(403);
    expect((await request(app.url).get('/api/admin/jobs').set('Authorization', `Bearer ${teacher.token}`)).status).toBe(403);
    expect((await request(app.url).get('/api/admin/jobs')).status).toBe(401);

    const retried = await request(app.url).post(`/api/admin/jobs/${failed.id}/retry`).set('Authorization', `Bearer ${admin.token}`);
    expect(retried.status).toBe(202);
    await expect.poll(() => runsFor('stubborn', 'finished'), { timeout: 15_000, interval: 250 }).toHaveLength(1);
    expect(await failedJob()).toBeUndefined();

    const again = await request(app.url).post(`/api/admin/jobs/${failed.id}/retry`).set('Authorization', `Bearer ${admin.token}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('job/not-found');
    const bad = await request(app.url).post('/api/admin/jobs/not-a-uuid/retry').set('Authorization', `Bearer ${admin.token}`);
    expect(bad.status).toBe(400);
  }, 90_000);
});
