import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ForecastDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildAdmin, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { buildAccount } from '../../factories/pool.js';
import { bucketise, coverage } from '../../../server/src/modules/analytics/intervals.js';

// Monday 2026-09-07 09:00 UTC; the academic year's anchor (1 Sep 2026, a Tuesday) makes 31 Aug–6 Sep
// the UPPER week, so 7–13 Sep is LOWER and 14–20 Sep UPPER again.
const NOW = '2026-09-07T09:00:00Z';

describe('capacity forecast', () => {
  let app: TestApp;
  let admin: BuiltUser;
  let teachers: BuiltUser[];
  let groups: string[];

  beforeAll(async () => {
    app = await createTestApp({ clock: new ManualClock(new Date(NOW)) });
    admin = await buildAdmin(app);
    teachers = [await buildTeacher(app), await buildTeacher(app), await buildTeacher(app)];
    groups = [];
    for (const teacher of teachers) groups.push((await buildGroup(app, { teacher })).group.id);
    // One account of capacity 2: two lessons at once fit, three do not.
    await buildAccount(app, { capacity: 2 });
  });

  const forecast = async (days = 14) => {
    const res = await request(app.url).get(`/api/pool/forecast?days=${days}&timezone=UTC`).set('Authorization', `Bearer ${admin.token}`);
    expect(res.status).toBe(200);
    return res.body as ForecastDto;
  };

  it('names the slot where one-off lessons and weekly occurrences exceed the pool', async () => {
    // Tuesday 8 Sep: a one-off 10:00-11:00 and two weekly (ALL) rules 10:30-11:30 → three at once 10:30-11:00.
    const lesson = await buildLesson(app, teachers[0]!, groups[0]!, '2026-09-08T10:00:00Z', 60);
    await buildRule(app, teachers[1]!, groups[1]!, { dayOfWeek: 2, startTime: '10:30', endTime: '11:30', timezone: 'UTC', startDate: '2026-09-01', endDate: '2026-12-31' });
    await buildRule(app, teachers[2]!, groups[2]!, { dayOfWeek: 2, startTime: '10:30', endTime: '11:30', timezone: 'UTC', startDate: '2026-09-01', endDate: '2026-12-31' });

    const result = await forecast();
    expect(result.capacity).toBe(2);
    const tuesday = result.days.find((d) => d.date === '2026-09-08')!;
    expect(tuesday).toMatchObject({ peak: 3, overloaded: true });
    const slot = result.overloads.find((o) => o.startAt === '2026-09-08T10:30:00.000Z')!;
    expect(slot).toMatchObject({ endAt: '2026-09-08T11:00:00.000Z', scheduled: 3 });
    expect(slot.lessonIds).toContain(lesson.lesson.id);
    // Each lesson in the slot is named with its group and teacher, in start order.
    expect(slot.lessons).toHaveLength(3);
    expect(slot.lessons[0]).toMatchObject({ id: lesson.lesson.id, title: 'Lesson', startAt: '2026-09-08T10:00:00.000Z', endAt: '2026-09-08T11:00:00.000Z' });
    expect(slot.lessons[0]!.teacherName).toBe(`${teachers[0]!.user.firstName} ${teachers[0]!.user.lastName}`);
    expect(slot.lessons.slice(1).map((l) => l.startAt)).toEqual(['2026-09-08T10:30:00.000Z', '2026-09-08T10:30:00.000Z']);
    expect(new Set(slot.lessons.map((l) => l.groupName)).size).toBe(3);
    // The weekly rules alone (two at once) fit on the following Tuesday.
    expect(result.days.find((d) => d.date === '2026-09-15')).toMatchObject({ peak: 2, overloaded: false });
    expect(result.days).toHaveLength(14);
  });

  it('counts upper-week rules only on upper weeks', async () => {
    // Thursdays 15:00-16:00: two ALL rules plus one UPPER rule → overload on 17 Sep (UPPER), not on 10 Sep (LOWER).
    for (const [i, weekType] of (['ALL', 'ALL', 'UPPER'] as const).entries()) {
      await buildRule(app, teachers[i]!, groups[i]!, { dayOfWeek: 4, weekType, startTime: '15:00', endTime: '16:00', timezone: 'UTC', startDate: '2026-09-01', endDate: '2026-12-31' });
    }
    const result = await forecast();
    expect(result.days.find((d) => d.date === '2026-09-10')).toMatchObject({ peak: 2, overloaded: false });
    expect(result.days.find((d) => d.date === '2026-09-17')).toMatchObject({ peak: 3, overloaded: true });
    expect(result.overloads.some((o) => o.startAt === '2026-09-17T15:00:00.000Z')).toBe(true);
    expect(result.overloads.some((o) => o.startAt === '2026-09-10T15:00:00.000Z')).toBe(false);
  });

  it('stops warning once capacity grows and is admin-only', async () => {
    await buildAccount(app, { capacity: 1 });
    const result = await forecast();
    expect(result.capacity).toBe(3);
    expect(result.overloads).toEqual([]);
    const res = await request(app.url).get('/api/pool/forecast').set('Authorization', `Bearer ${teachers[0]!.token}`);
    expect(res.status).toBe(403);
    const bad = await request(app.url).get('/api/pool/forecast?days=400').set('Authorization', `Bearer ${admin.token}`);
    expect(bad.status).toBe(400);
    const zone = await request(app.url).get('/api/pool/forecast?timezone=Mars/Base').set('Authorization', `Bearer ${admin.token}`);
    expect(zone.status).toBe(400);
  });
});

describe('interval arithmetic', () => {
  it('treats back-to-back intervals as not overlapping', () => {
    const segments = coverage([
      { start: 0, end: 10 },
      { start: 10, end: 20 },
    ]);
    expect(Math.max(...segments.map((s) => s.count))).toBe(1);
  });

  it('averages occupancy over buckets and keeps the peak', () => {
    const buckets = bucketise(
      [
        { start: 0, end: 30 },
        { start: 15, end: 45 },
      ],
      0,
      60,
      30,
    );
    expect(buckets).toEqual([
      { at: 0, busy: 1.5, peak: 2 },
      { at: 30, busy: 0.5, peak: 1 },
    ]);
  });
});

describe('capacity warning for teachers', () => {
  it('warns (without refusing) when a new or moved lesson or a rule lands in a full slot', async () => {
    const app = await createTestApp({ clock: new ManualClock(new Date(NOW)) });
    await buildAccount(app, { capacity: 1 });
    const [a, b] = [await buildGroup(app), await buildGroup(app)];
    const create = (group: typeof a, startAt: string, endAt: string) =>
      request(app.url).post('/api/lessons').set('Authorization', `Bearer ${group.teacher.token}`).send({ groupId: group.group.id, title: 'Lesson', startAt, endAt });

    const first = await create(a, '2026-09-08T10:00:00Z', '2026-09-08T11:00:00Z');
    expect(first.status).toBe(201);
    expect(first.body.capacityWarning).toBeNull();

    const second = await create(b, '2026-09-08T12:00:00Z', '2026-09-08T13:00:00Z');
    expect(second.body.capacityWarning).toBeNull();
    const moved = await request(app.url)
      .patch(`/api/lessons/${second.body.lesson.id}`)
      .set('Authorization', `Bearer ${b.teacher.token}`)
      .send({ startAt: '2026-09-08T10:30:00Z', endAt: '2026-09-08T11:30:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body.capacityWarning).toMatchObject({ scheduled: 2, capacity: 1 });

    const rule = await request(app.url)
      .post('/api/recurring-lessons')
      .set('Authorization', `Bearer ${a.teacher.token}`)
      .send({ groupId: a.group.id, title: 'Weekly', dayOfWeek: 2, weekType: 'ALL', startTime: '10:30', endTime: '11:15', timezone: 'UTC', startDate: '2026-09-14', endDate: '2026-12-31' });
    expect(rule.status).toBe(201);
    expect(rule.body.capacityWarning).toBeNull();
    const clash = await request(app.url)
      .post('/api/recurring-lessons')
      .set('Authorization', `Bearer ${b.teacher.token}`)
      .send({ groupId: b.group.id, title: 'Weekly', dayOfWeek: 2, weekType: 'ALL', startTime: '11:00', endTime: '12:00', timezone: 'UTC', startDate: '2026-09-14', endDate: '2026-12-31' });
    expect(clash.status).toBe(201);
    expect(clash.body.capacityWarning).toMatchObject({ startAt: '2026-09-15T11:00:00.000Z', scheduled: 2, capacity: 1 });
  });
});
