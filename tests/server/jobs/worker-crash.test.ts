import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { createRunsTable, probeJob, QUICK_QUEUE, runsOf } from './support/worker.js';

let app: TestApp;
const children: ChildProcess[] = [];
const CHILD = path.join(import.meta.dirname, 'support/child.ts');

beforeAll(async () => {
  app = await createTestApp({ env: QUICK_QUEUE });
  await createRunsTable(app.databaseUrl);
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

/** A real worker process (its own connections); resolves once its queue is working. */
function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, app.databaseUrl], { env: { ...process.env, QUEUE_EXPIRE_S: '2' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker process did not start')), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code})`)));
  });
}

describe('a worker killed mid-job', () => {
  it('hands the job to another worker once it expires; it completes exactly once', async () => {
    const doomed = await startWorkerProcess();
    // The first attempt takes a minute: long enough to be killed in the middle of it.
    await app.ctx.services.jobs.scheduler.schedule(probeJob, 'crash', app.clock.now(), { firstAttemptMs: 60_000 });
    await expect.poll(async () => (await runsOf(app.databaseUrl)).filter((r) => r.job_key === 'crash'), { timeout: 15_000, interval: 200 }).toHaveLength(1);

    const gone = new Promise((resolve) => doomed.once('exit', resolve));
    doomed.kill('SIGKILL');
    await gone;
    const survivor = await startWorkerProcess();

    await expect.poll(async () => (await runsOf(app.databaseUrl)).filter((r) => r.job_key === 'crash' && r.phase === 'finished'), { timeout: 30_000, interval: 250 }).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const runs = (await runsOf(app.databaseUrl)).filter((r) => r.job_key === 'crash');
    expect(runs.map((r) => [r.phase, r.pid])).toEqual([
      ['started', doomed.pid],
      ['started', survivor.pid],
      ['finished', survivor.pid],
    ]);
  }, 120_000);
});
