import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../setup/test-db.js';
import { TEST_REDIS_URL } from '../setup/db-urls.js';
import { TEST_SECRETS } from '../setup/app.js';
import { freePort, spawnNpm, type Spawned } from '../setup/spawned.js';

/**
 * The processes users run, started exactly as the README says and checked from outside: what runs
 * under `npm start` and `npm run worker` must be what the other tests run.
 */
const LOCK_FALLBACK = /Redis lock not taken|redlock unavailable|is not a function/;

describe('npm start and npm run worker with Redis', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const running: Spawned[] = [];
  let base = '';
  let env: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...TEST_SECRETS,
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'true',
      SWEEP_INTERVAL_S: '1',
      RELEASE_GRACE_MIN: '0',
      START_RATE_PER_MIN: '0',
    };
  });
  afterAll(async () => {
    await Promise.all(running.map((process) => process.stop()));
    await database?.drop();
  });

  const json = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const res = await fetch(`${base}${path}`, { ...init, headers });
    // Answers are read loosely on purpose: this test looks at the product from outside.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, any> };
  };

  it('a start takes the Redis lock, and the worker releases a lesson that no webhook ends', async () => {
    const server = spawnNpm(['start'], env);
    running.push(server);
    await server.waitFor(/Teaching Panel is running at/, 180_000);
    const worker = spawnNpm(['run', 'worker'], env);
    running.push(worker);
    await worker.waitFor(/worker started/);

    const health = await json('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.lock).toMatchObject({ kind: 'redlock', state: 'ok', fallbacks: { unavailable: 0, contended: 0 } });

    const teacher = await json('/api/auth/register', {
      method: 'POST',
      body: JSON.stringify({ email: 'shipped-teacher@example.com', password: 'Shipped-1234', firstName: 'Ship', lastName: 'Ped', role: 'teacher' }),
    });
    expect(teacher.status, JSON.stringify(teacher.body)).toBe(201);
    const token = teacher.body.accessToken as string;
    const group = await json('/api/groups', { method: 'POST', token, body: JSON.stringify({ name: 'Shipped group' }) });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    // Relative to the machine's clock (the spawned server reads it): the lesson began almost five
    // minutes ago and ends in a few seconds, so only the sweep can end it.
    const now = Date.now();
    const lesson = await json('/api/lessons', {
      method: 'POST',
      token,
      body: JSON.stringify({ groupId: group.body.group.id, title: 'Ends without a webhook', startAt: new Date(now - 295_000).toISOString(), endAt: new Date(now + 5_000).toISOString() }),
    });
    expect(lesson.status, JSON.stringify(lesson.body)).toBe(201);
    const lessonId = lesson.body.lesson.id as string;

    const acquiredBefore = health.body.lock.acquired as number;
    const started = await json(`/api/lessons/${lessonId}/start`, { method: 'POST', token });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const afterStart = await json('/api/health');
    expect(afterStart.body.lock.acquired).toBeGreaterThan(acquiredBefore);
    expect(afterStart.body.lock.fallbacks).toEqual({ unavailable: 0, contended: 0 });

    // The server does not sweep when Redis is configured: the worker must end the lesson.
    let status = 'live';
    for (let waited = 0; waited < 40_000 && status !== 'completed'; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = (await json(`/api/lessons/${lessonId}`, { token })).body.event.status as string;
    }
    expect(status).toBe('completed');
    const meeting = await json(`/api/lessons/${lessonId}/meeting`, { token });
    expect(meeting.body?.joinUrl ?? null).toBeNull();

    expect(server.output()).not.toMatch(LOCK_FALLBACK);
    expect(worker.output()).not.toMatch(LOCK_FALLBACK);
    expect(worker.output()).toMatch(/Redis lock probe: acquired and released/);
  });

  it('a Redis that cannot lock stops the start with one line naming REDIS_URL', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['start'], ['run', 'worker']]) {
      const process = spawnNpm(args, { ...env, PORT: String(await freePort()), REDIS_URL: deadRedis });
      running.push(process);
      expect(await process.exited(60_000)).not.toBe(0);
      expect(process.output()).toMatch(/could not start: REDIS_URL is set but the Redis lock cannot be taken/);
      expect(process.output()).not.toMatch(/\n\s+at /);
    }
  });

  it('a bad setting prints one line naming the variable and what is expected', async () => {
    for (const args of [['start'], ['run', 'worker'], ['run', 'migrate']]) {
      const process = spawnNpm(args, { ...env, PORT: 'eighty', SWEEP_INTERVAL_S: '0' });
      running.push(process);
      expect(await process.exited(60_000)).not.toBe(0);
      expect(process.output()).toMatch(/PORT: expected a whole number from 0 to 65535; SWEEP_INTERVAL_S: expected a whole number from 1 to 3600/);
      expect(process.output()).not.toMatch(/\n\s+at /);
    }
  });
});
