import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { AccountStateDto, PoolChangedPayload } from '@tp/shared';
import { createTestApp } from '../../setup/app.js';
import { systemClock } from '../../../server/src/infra/clock.js';
import { buildAdmin } from '../../factories/users.js';
import { buildAccounts, buildLesson } from '../../factories/pool.js';

describe('pool updates under a burst', () => {
  it('reach an admin at most 10 times a second and always end on the latest state', async () => {
    const app = await createTestApp({ clock: systemClock, env: { START_RATE_PER_MIN: '0' } });
    const admin = await buildAdmin(app);
    const accounts = await buildAccounts(app, 12);
    const lessons = await Promise.all(accounts.map(() => buildLesson(app)));
    const socket = app.socket(admin.token);
    await new Promise((resolve) => socket.once('pool:snapshot', resolve));

    const received: Array<{ at: number; payload: PoolChangedPayload }> = [];
    socket.on('pool:changed', (payload: PoolChangedPayload) => received.push({ at: Date.now(), payload }));

    // A burst: every lesson starts, then every lesson ends, as fast as the server answers.
    const call = (lesson: (typeof lessons)[number], action: 'start' | 'end') =>
      request(app.url).post(`/api/lessons/${lesson.id}/${action}`).set('Authorization', `Bearer ${lesson.teacher.token}`);
    const starts = await Promise.all(lessons.map((lesson) => call(lesson, 'start')));
    expect(starts.map((r) => r.status)).toEqual(lessons.map(() => 200));
    const ends = await Promise.all(lessons.map((lesson) => call(lesson, 'end')));
    expect(ends.every((r) => r.status === 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));

    // 24 changes became far fewer updates, at most 10 a second.
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(24);
    // The server spaces updates 100 ms apart; arrival times jitter a little on a busy machine.
    for (let i = 1; i < received.length; i++) expect(received[i]!.at - received[i - 1]!.at).toBeGreaterThanOrEqual(50);
    const spanMs = received.at(-1)!.at - received[0]!.at;
    expect(received.length).toBeLessThanOrEqual(Math.floor(spanMs / 100) + 2);

    // Folding the updates over the snapshot gives the true final state: every room free again.
    const latest = new Map<string, AccountStateDto>();
    for (const { payload } of received) for (const account of payload.accounts) latest.set(account.id, account);
    for (const account of accounts) expect(latest.get(account.id)?.leases ?? []).toEqual([]);
    expect(received.at(-1)!.payload.stats).toMatchObject({ inUse: 0, available: 12 });
    const seqs = received.map((r) => r.payload.meta!.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
