import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Emitter } from '@socket.io/redis-emitter';
import type { CalendarChangedPayload, PoolChangedPayload } from '@tp/shared';
import { createTestApp, nextEvent, testEnv, type TestApp } from '../../setup/app.js';
import { TEST_REDIS_URL } from '../../setup/db-urls.js';
import { createInfra, type Infra } from '../../../server/src/infra/container.js';
import { createLogger } from '../../../server/src/infra/logger.js';
import { createServices } from '../../../server/src/modules/index.js';
import { systemClock } from '../../../server/src/infra/clock.js';
import { buildGroup } from '../../factories/groups.js';
import { buildAdmin } from '../../factories/users.js';
import { buildAccount, buildLesson } from '../../factories/pool.js';
import { nextEventMatching } from '../../setup/app.js';

/** Two HTTP nodes and a worker share one database and Redis, like a multi-node deployment. */
describe('several nodes through Redis', () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  let worker: Infra;

  beforeAll(async () => {
    nodeA = await createTestApp({ redis: true, clock: systemClock });
    nodeB = await createTestApp({ redis: true, clock: systemClock, databaseUrl: nodeA.databaseUrl });
    worker = await createInfra(testEnv({ DATABASE_URL: nodeA.databaseUrl, REDIS_URL: TEST_REDIS_URL }), { logger: createLogger('silent'), name: 'worker' });
    worker.broadcaster.attach(new Emitter(worker.redis!.duplicate(), { key: 'tp-socket' }));
  });
  afterAll(() => worker.close());

  const inAnHour = (offsetMinutes: number) => new Date(Date.now() + (60 + offsetMinutes) * 60_000).toISOString();

  it('a change made through node A reaches a student connected to node B', async () => {
    const { group, teacher, students } = await buildGroup(nodeA, { studentCount: 1 });
    const socket = nodeB.socket(students[0]!.token);
    await nextEvent(socket, 'session:ready');
    const pushed = nextEvent<CalendarChangedPayload>(socket, 'calendar:changed');
    const res = await request(nodeA.url)
      .post('/api/lessons')
      .set('Authorization', `Bearer ${teacher.token}`)
      .send({ groupId: group.id, title: 'Across nodes', startAt: inAnHour(0), endAt: inAnHour(45) });
    expect(res.status).toBe(201);
    const payload = await pushed;
    expect(payload.events.map((e) => e.title)).toContain('Across nodes');
    expect(payload.meta?.room).toBe(`group:${group.id}`);
  });

  it('an event emitted by the worker reaches sockets on both nodes, numbered in one sequence', async () => {
    const { group, teacher, students } = await buildGroup(nodeA, { studentCount: 2 });
    const onA = nodeA.socket(students[0]!.token);
    const onB = nodeB.socket(students[1]!.token);
    await Promise.all([nextEvent(onA, 'session:ready'), nextEvent(onB, 'session:ready')]);
    const workerCtx = { infra: worker, services: createServices(worker) };
    const [gotA, gotB] = [nextEvent<CalendarChangedPayload>(onA, 'calendar:changed'), nextEvent<CalendarChangedPayload>(onB, 'calendar:changed')];
    await workerCtx.services.schedule.createLesson({ userId: teacher.user.id, role: 'teacher' }, { groupId: group.id, title: 'From the worker', startAt: inAnHour(120), endAt: inAnHour(170) });
    const [a, b] = await Promise.all([gotA, gotB]);
    expect(a.events[0]!.title).toBe('From the worker');
    expect(b.meta).toEqual(a.meta);

    // The next change to that room, made on node B, continues the same sequence.
    const next = nextEvent<CalendarChangedPayload>(onA, 'calendar:changed');
    await nodeB.ctx.services.schedule.createLesson({ userId: teacher.user.id, role: 'teacher' }, { groupId: group.id, title: 'From node B', startAt: inAnHour(240), endAt: inAnHour(290) });
    expect((await next).meta!.seq).toBe(a.meta!.seq + 1);
  });

  it('a lesson started through node A flips the pool for an admin watching on node B, and its end too', async () => {
    const account = await buildAccount(nodeA);
    const lesson = await buildLesson(nodeA);
    const admin = await buildAdmin(nodeA);
    const watcher = nodeB.socket(admin.token);
    await nextEvent(watcher, 'pool:snapshot');
    const busy = nextEventMatching<PoolChangedPayload>(watcher, 'pool:changed', (p) => p.accounts.some((a) => a.id === account.id && a.leases.length === 1));
    const started = await request(nodeA.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${lesson.teacher.token}`);
    expect(started.status).toBe(200);
    expect((await busy).accounts.find((a) => a.id === account.id)!.leases[0]!.lessonId).toBe(lesson.id);
    const free = nextEventMatching<PoolChangedPayload>(watcher, 'pool:changed', (p) => p.accounts.some((a) => a.id === account.id && a.leases.length === 0));
    expect((await request(nodeA.url).post(`/api/lessons/${lesson.id}/end`).set('Authorization', `Bearer ${lesson.teacher.token}`)).status).toBe(200);
    await free;
  });
});
