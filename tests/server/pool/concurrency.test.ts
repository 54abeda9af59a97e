import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildTeacher } from '../../factories/users.js';
import { buildAccounts, buildLesson, leasesOf, overbookedAccounts, type BuiltLesson } from '../../factories/pool.js';

const NO_RATE_LIMIT = { START_RATE_PER_MIN: '0' };

async function twoNodes(): Promise<[TestApp, TestApp]> {
  const first = await createTestApp({ redis: true, env: NO_RATE_LIMIT });
  const second = await createTestApp({ redis: true, databaseUrl: first.databaseUrl, clock: first.clock, env: NO_RATE_LIMIT });
  return [first, second];
}

async function lessons(app: TestApp, count: number): Promise<BuiltLesson[]> {
  // The first build caches the password hash the others reuse.
  const teachers = [await buildTeacher(app)];
  teachers.push(...(await Promise.all(Array.from({ length: count - 1 }, () => buildTeacher(app)))));
  const built: BuiltLesson[] = [];
  for (const teacher of teachers) built.push(await buildLesson(app, { teacher }));
  return built;
}

const startOne = (node: TestApp, lesson: BuiltLesson) =>
  request(node.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${lesson.teacher.token}`).then((r) => r);

/** Fires every start at once, alternating nodes; returns the responses. */
async function startAll(nodes: TestApp[], all: BuiltLesson[]) {
  return Promise.all(all.map((lesson, i) => startOne(nodes[i % nodes.length]!, lesson)));
}

/** Fires half the starts, and once a quarter have answered runs `midway` and fires the rest while the first are in flight. */
async function startAcross(nodes: TestApp[], all: BuiltLesson[], midway: () => void) {
  const half = Math.floor(all.length / 2);
  let answered = 0;
  let reached!: () => void;
  const quarter = new Promise<void>((resolve) => (reached = resolve));
  const first = all.slice(0, half).map((lesson, i) =>
    startOne(nodes[i % nodes.length]!, lesson).then((r) => {
      if (++answered === Math.floor(half / 2)) reached();
      return r;
    }),
  );
  await quarter;
  midway();
  const second = all.slice(half).map((lesson, i) => startOne(nodes[i % nodes.length]!, lesson));
  return Promise.all([...first, ...second]);
}

function expectExactlyCapacity(responses: request.Response[], capacity: number) {
  const ok = responses.filter((r) => r.status === 200);
  const exhausted = responses.filter((r) => r.status === 429);
  expect(ok).toHaveLength(capacity);
  expect(exhausted).toHaveLength(responses.length - capacity);
  for (const r of exhausted) {
    expect(r.body.error.code).toBe('pool/exhausted');
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(60);
    expect(r.body.error.message).toMatch(/All rooms are busy; try again in \d+ min/);
  }
  return ok;
}

describe('allocation under concurrency', () => {
  it('(a) 200 concurrent starts on 20 accounts through two nodes sharing Redis: exactly 20 win, 180 get 429, no double lease', async () => {
    const [a, b] = await twoNodes();
    await buildAccounts(a, 20);
    const all = await lessons(a, 200);
    const ok = expectExactlyCapacity(await startAll([a, b], all), 20);
    expect(new Set(ok.map((r) => r.body.account.id)).size).toBe(20);
    expect(await overbookedAccounts(a)).toEqual([]);
    const active = await leasesOf(a, 'released_at is null');
    expect(active).toHaveLength(20);
    expect(new Set(active.map((l) => l.account_id)).size).toBe(20);
    // No lease was ever taken and given back for a lost race: every lease ever written is one of the 20.
    expect(await leasesOf(a)).toHaveLength(20);
  }, 120_000);

  it('(b) the same with Redis gone halfway (both nodes lose their connection mid-burst): still exactly 20, no double lease', async () => {
    const [a, b] = await twoNodes();
    await buildAccounts(a, 20);
    const all = await lessons(a, 200);
    // Both nodes' Redis connections drop mid-burst: the lock is gone, only the database guards.
    // (The machine's Redis keeps running for everyone else.)
    const responses = await startAcross([a, b], all, () => {
      a.infra.redis!.disconnect();
      b.infra.redis!.disconnect();
    });
    expect(a.infra.redis!.status).toBe('end');
    expect(b.infra.redis!.status).toBe('end');
    expectExactlyCapacity(responses, 20);
    expect(await overbookedAccounts(a)).toEqual([]);
    expect(await leasesOf(a, 'released_at is null')).toHaveLength(20);
  }, 120_000);
});

describe('the fence', () => {
  it('the database itself refuses a second active lease on a slot, a slot beyond capacity, and a second lease of a lesson', async () => {
    const app = await createTestApp();
    const [account] = await buildAccounts(app, 1);
    const one = await buildLesson(app);
    const two = await buildLesson(app);
    const connection = app.infra.orm.em.fork().getConnection();
    const insert = (lessonId: string, teacherId: string, slot: number, capacity = 1) =>
      connection.execute(
        `insert into meeting_leases (id, account_id, capacity, slot, lesson_id, teacher_id, acquired_at) values (gen_random_uuid(), ?, ?, ?, ?, ?, now())`,
        [account!.id, capacity, slot, lessonId, teacherId],
      );
    await insert(one.id, one.teacher.user.id, 0);
    await expect(insert(two.id, two.teacher.user.id, 0)).rejects.toThrow(/meeting_leases_active_slot_unique/);
    await expect(insert(two.id, two.teacher.user.id, 1)).rejects.toThrow(/meeting_leases_slot_range/);
    // Lying about the capacity does not help: the lease must carry its account's real capacity.
    await expect(insert(two.id, two.teacher.user.id, 1, 2)).rejects.toThrow(/meeting_leases_account_capacity_fk/);
    await expect(insert(one.id, one.teacher.user.id, 0)).rejects.toThrow(/meeting_leases_active/);
    expect(await overbookedAccounts(app)).toEqual([]);
  });
});
