import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { client } from './helpers.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp(); // clock: 2026-01-15T10:00Z
});

const mondays = { dayOfWeek: 1, startTime: '10:00', endTime: '11:00', timezone: 'UTC', startDate: '2026-01-16', endDate: '2026-03-31' };

describe('un-archiving a group', () => {
  it('is refused while one of its rules would land on a lesson scheduled meanwhile, and allowed once the slot is clear', async () => {
    const { teacher, group: archived } = await buildGroup(app);
    const { group: other } = await buildGroup(app, { teacher });
    await buildRule(app, teacher, archived.id, mondays);
    const api = client(app, teacher.token);
    expect((await api.patch(`/api/groups/${archived.id}`, { archived: true })).status).toBe(200);

    // Archived rules hold no time, so the teacher books the slot for the other group.
    const taken = await buildLesson(app, teacher, other.id, '2026-02-02T10:30:00Z');
    const refused = await api.patch(`/api/groups/${archived.id}`, { archived: false });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('schedule/conflict');
    expect(refused.body.error.fields.conflictId).toBe(taken.lesson.id);
    expect((await api.get(`/api/groups/${archived.id}`)).body.group.archived).toBe(true);

    expect((await api.delete(`/api/lessons/${taken.lesson.id}`)).status).toBeLessThan(300);
    const restored = await api.patch(`/api/groups/${archived.id}`, { archived: false });
    expect(restored.status).toBe(200);
    expect(restored.body.group.archived).toBe(false);
  });
});
