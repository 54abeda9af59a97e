import { beforeAll, describe, expect, it } from 'vitest';
import type { CalendarChangedPayload } from '@tp/shared';
import { createTestApp, nextEvent, type TestApp } from '../../setup/app.js';
import { buildStudent } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { calendarUrl, client } from './helpers.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp(); // clock: 2026-01-15T10:00Z, a Thursday
});

// With the default anchor (1 September 2025, a Monday) the week of Monday 19 January 2026 is UPPER
// and the week of 26 January LOWER. Anchoring on 26 January swaps them.
const upperMonday = { dayOfWeek: 1, weekType: 'UPPER' as const, startTime: '10:00', endTime: '11:00', timezone: 'UTC', startDate: '2026-01-16', endDate: '2026-03-31' };

describe('moving a teacher’s week anchor', () => {
  it('refuses an anchor under which an upper-week rule would land on a lesson, and keeps the old one', async () => {
    const { teacher, group } = await buildGroup(app);
    await buildRule(app, teacher, group.id, upperMonday);
    const lesson = await buildLesson(app, teacher, group.id, '2026-01-26T10:30:00Z');

    const refused = await client(app, teacher.token).patch('/api/users/me', { weekAnchorDate: '2026-01-26' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'schedule/conflict' });
    expect(JSON.stringify(refused.body.error.fields)).toContain(lesson.lesson.id);
    expect((await client(app, teacher.token).get('/api/auth/me')).body.weekAnchorDate).toBeNull();

    // The same teacher may still anchor on a date that keeps the weeks as they are.
    const same = await client(app, teacher.token).patch('/api/users/me', { weekAnchorDate: '2026-01-19' });
    expect(same.status).toBe(200);
    expect(same.body.weekAnchorDate).toBe('2026-01-19');
  });

  it('pushes the swapped weeks to the calendars of the teacher’s students', async () => {
    const student = await buildStudent(app);
    const { teacher, group } = await buildGroup(app, { students: [student] });
    const rule = await buildRule(app, teacher, group.id, upperMonday);
    const socket = app.socket(student.token);
    await nextEvent(socket, 'session:ready');

    const pushed = nextEvent<CalendarChangedPayload>(socket, 'calendar:changed');
    const saved = await client(app, teacher.token).patch('/api/users/me', { weekAnchorDate: '2026-01-26' });
    expect(saved.status).toBe(200);
    const change = await pushed;
    expect(change.removedIds).toContain(`rule:${rule.id}:2026-01-19`);
    expect(change.events.map((e) => e.id)).toContain(`rule:${rule.id}:2026-01-26`);
    expect(change.events.every((e) => e.groupId === group.id)).toBe(true);

    // What the push said is what a fresh read shows.
    const fresh = await client(app, student.token).get(calendarUrl('2026-01-19T00:00:00Z', '2026-02-02T00:00:00Z'));
    expect(fresh.body.events.map((e: { id: string }) => e.id)).toEqual([`rule:${rule.id}:2026-01-26`]);
    socket.disconnect();
  });
});
