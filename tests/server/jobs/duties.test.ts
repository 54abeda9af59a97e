import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import type { DutyHealth } from '@tp/shared';
import type { AppContext } from '../../../server/src/modules/index.js';
import { startQueueWorker } from './support/worker.js';

let app: TestApp;
let worker: AppContext;

beforeAll(async () => {
  app = await createTestApp();
  worker = await startQueueWorker(app.databaseUrl);
});
afterAll(() => worker.infra.close());

const duty = (name: string) => request(app.url).get('/api/health').then((res) => (res.body.duties as DutyHealth[]).find((d) => d.name === name));

describe('periodic duties', () => {
  it('never run twice at once, even from two processes', async () => {
    await app.ctx.services.jobs.duties.register('test-exclusive', 60_000);
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 300));
      inside--;
    };
    const ran = await Promise.all([
      app.ctx.services.jobs.duties.runOnce('test-exclusive', 60_000, work),
      worker.services.jobs.duties.runOnce('test-exclusive', 60_000, work),
      app.ctx.services.jobs.duties.runOnce('test-exclusive', 60_000, work),
    ]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(most).toBe(1);
    // Once it finished, the next tick runs again.
    expect(await worker.services.jobs.duties.runOnce('test-exclusive', 60_000, work)).toBe(true);
  });

  it('report their last success and last error in /api/health and /metrics', async () => {
    const duties = app.ctx.services.jobs.duties;
    await duties.register('test-reported', 60_000);
    expect(await duty('test-reported')).toMatchObject({ lastSuccessAt: null, overdue: false });
    await duties.runOnce('test-reported', 60_000, async () => {});
    const succeeded = await duty('test-reported');
    expect(Date.parse(succeeded!.lastSuccessAt!)).toBeGreaterThan(0);

    await duties.runOnce('test-reported', 60_000, async () => {
      throw new Error('the provider is down');
    });
    const failed = await duty('test-reported');
    expect(failed).toMatchObject({ lastError: 'the provider is down', lastSuccessAt: succeeded!.lastSuccessAt, overdue: false });

    const metrics = await request(app.url).get('/metrics');
    const line = metrics.text.split('\n').find((l) => l.startsWith('background_duty_last_success_timestamp_seconds{duty="test-reported"}'));
    expect(Number(line?.split(' ')[1])).toBeGreaterThan(0);
    expect(metrics.text).toMatch(/job_queue_jobs\{queue="mail-send",state="waiting"\} 0/);
  });

  it('flag a duty that has stopped succeeding', async () => {
    await app.ctx.services.jobs.duties.register('test-stalled', 60_000);
    await app.ctx.services.jobs.duties.runOnce('test-stalled', 60_000, async () => {});
    // Its last success an hour ago: twenty intervals of a one-minute duty.
    await app.infra.orm.em.fork().getConnection().execute(`update background_duties set last_success_at = now() - interval '1 hour' where name = 'test-stalled'`);
    const health = await request(app.url).get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.background).toBe('overdue');
    expect((health.body.duties as DutyHealth[]).find((d) => d.name === 'test-stalled')).toMatchObject({ overdue: true });
    const metrics = await request(app.url).get('/metrics');
    expect(metrics.text).toContain('background_duty_overdue{duty="test-stalled"} 1');
  });
});
