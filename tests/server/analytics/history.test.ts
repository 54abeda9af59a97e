import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { HeatmapDto, OccupancyDto } from '@tp/shared';
import { createTestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildAdmin } from '../../factories/users.js';
import { buildAccount, buildLesson } from '../../factories/pool.js';

describe('pool history for the admin', () => {
  it('shows a lesson held 30 minutes in the occupancy series and saturates its hour in the heat map', async () => {
    // Wednesday 2026-09-09 10:00 UTC.
    const clock = new ManualClock(new Date('2026-09-09T10:00:00Z'));
    const app = await createTestApp({ clock, env: { START_RATE_PER_MIN: '0' } });
    const admin = await buildAdmin(app);
    await buildAccount(app, { capacity: 1 });
    const lesson = await buildLesson(app);
    const started = await request(app.url).post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${lesson.teacher.token}`);
    expect(started.status).toBe(200);
    // Access tokens live 15 minutes on the moved clock: sign fresh ones after each jump.
    const fresh = async (user: typeof admin) => (await app.infra.tokens.sign(user.user.id, user.user.role)).token;
    clock.advance(30 * 60_000);
    expect((await request(app.url).post(`/api/lessons/${lesson.id}/end`).set('Authorization', `Bearer ${await fresh(lesson.teacher)}`)).status).toBe(200);
    clock.advance(30 * 60_000);
    const adminToken = await fresh(admin);
    const teacherToken = await fresh(lesson.teacher);

    const as = (path: string) => request(app.url).get(path).set('Authorization', `Bearer ${adminToken}`);
    const day = (await as('/api/pool/occupancy?range=24h')).body as OccupancyDto;
    expect(day).toMatchObject({ range: '24h', bucketMinutes: 15, capacity: 1 });
    expect(day.points).toHaveLength(96);
    const busy = day.points.filter((p) => p.busy > 0);
    expect(busy.map((p) => p.at)).toEqual(['2026-09-09T10:00:00.000Z', '2026-09-09T10:15:00.000Z']);
    expect(busy.every((p) => p.busy === 1 && p.peak === 1)).toBe(true);

    const week = (await as('/api/pool/occupancy?range=7d')).body as OccupancyDto;
    expect(week.points).toHaveLength(168);
    expect(week.points.find((p) => p.at === '2026-09-09T10:00:00.000Z')).toMatchObject({ busy: 0.5, peak: 1 });

    const heat = (await as('/api/pool/heatmap?weeks=1&timezone=Europe/Moscow')).body as HeatmapDto;
    // 10:00–10:30 UTC is 13:00–13:30 in Moscow, on a Wednesday: half of that hour's samples were saturated.
    expect(heat.cells[2]![13]).toBeCloseTo(0.5, 1);
    expect(heat.cells.flat().filter((v) => v > 0)).toHaveLength(1);

    expect((await request(app.url).get('/api/pool/occupancy').set('Authorization', `Bearer ${teacherToken}`)).status).toBe(403);
    expect((await as('/api/pool/occupancy?range=1y')).status).toBe(400);
    expect((await as('/api/pool/heatmap?weeks=0')).status).toBe(400);
  });
});
