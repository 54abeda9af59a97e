import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../../setup/app.js';
import { buildAdmin } from '../../factories/users.js';

/*
 * Audit lines recorded together go in one insert. A line PostgreSQL refuses (a lone surrogate or a
 * NUL in its jsonb detail, a malformed id) used to fail the whole statement and drop the lines of
 * other requests; now the batch is retried line by line and only a hopeless line is lost, counted.
 */

const app = await createTestApp();
const admin = await buildAdmin(app);
const audit = app.ctx.services.audit;

async function linesOf(action: string): Promise<Array<{ detail: Record<string, unknown> }>> {
  const res = await request(app.url).get('/api/audit').query({ action }).set('Authorization', `Bearer ${admin.token}`);
  expect(res.status).toBe(200);
  return res.body.items;
}
async function lostLines(): Promise<number> {
  const res = await request(app.url).get('/metrics');
  const line = res.text.split('\n').find((l) => l.startsWith('audit_lines_lost_total'));
  return Number(line?.split(' ')[1] ?? NaN);
}
const line = (action: string, detail: Record<string, unknown> = {}, lessonId: string | null = null) =>
  audit.record({ actor: { userId: admin.user.id, role: 'admin', ip: '127.0.0.1' }, action, outcome: 'ok', detail, lessonId });

describe('batched audit insert', () => {
  it('keeps every line of a batch in which one line has unstorable text', async () => {
    const tag = randomUUID().slice(0, 8);
    await Promise.all([
      line(`t.${tag}.before`, { n: 1 }),
      line(`t.${tag}.bad`, { label: 'x\ud800y', note: 'a\u0000b', nested: { ['k\udc00']: ['\ud83d'] } }),
      line(`t.${tag}.after`, { n: 3 }),
    ]);
    expect(await linesOf(`t.${tag}.before`)).toHaveLength(1);
    expect(await linesOf(`t.${tag}.after`)).toHaveLength(1);
    const [bad] = await linesOf(`t.${tag}.bad`);
    expect(bad!.detail).toEqual({ label: 'x\uFFFDy', note: 'a\uFFFDb', nested: { 'k\uFFFD': ['\uFFFD'] } });
  });

  it('loses only the line that cannot be stored at all, and counts it', async () => {
    const tag = randomUUID().slice(0, 8);
    const before = await lostLines();
    await Promise.all([line(`t.${tag}.first`), line(`t.${tag}.hopeless`, {}, 'not-a-uuid'), line(`t.${tag}.last`)]);
    expect(await linesOf(`t.${tag}.first`)).toHaveLength(1);
    expect(await linesOf(`t.${tag}.last`)).toHaveLength(1);
    expect(await linesOf(`t.${tag}.hopeless`)).toHaveLength(0);
    expect(await lostLines()).toBe(before + 1);
  });

  it('writes a healthy batch in one piece', async () => {
    const tag = randomUUID().slice(0, 8);
    const before = await lostLines();
    await Promise.all(Array.from({ length: 20 }, () => line(`t.${tag}.many`)));
    expect(await linesOf(`t.${tag}.many`)).toHaveLength(20);
    expect(await lostLines()).toBe(before);
  });
});
