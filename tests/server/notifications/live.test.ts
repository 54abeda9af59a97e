import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { NotificationNewPayload, NotificationReadPayload } from '@tp/shared';
import { createTestApp, nextEventMatching, type TestApp } from '../../setup/app.js';
import { systemClock } from '../../../server/src/infra/clock.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson } from '../../factories/schedule.js';
import { connected } from '../chat/helpers.js';
import { bell, DAY, MINUTE } from './support.js';

let nodeA: TestApp;
let nodeB: TestApp;

beforeAll(async () => {
  nodeA = await createTestApp({ redis: true, clock: systemClock });
  nodeB = await createTestApp({ redis: true, clock: systemClock, databaseUrl: nodeA.databaseUrl });
});

describe('the bell across two nodes', () => {
  it('a notice made on node A reaches the user’s tab on node B; marking read on B updates the count on A’s tab', async () => {
    const built = await buildGroup(nodeA, { studentCount: 1 });
    const student = built.students[0]!;
    const tabOnA = await connected(nodeA, student.token);
    const tabOnB = await connected(nodeB, student.token);
    const start = Date.now() + 2 * DAY;
    const { event } = await buildLesson(nodeA, built.teacher, built.group.id, new Date(start).toISOString());

    const arrivedB = nextEventMatching<NotificationNewPayload>(tabOnB, 'notification:new', (p) => p.notification.kind === 'lesson_moved');
    const arrivedA = nextEventMatching<NotificationNewPayload>(tabOnA, 'notification:new', (p) => p.notification.kind === 'lesson_moved');
    const later = start + 60 * MINUTE;
    await nodeA.ctx.services.schedule.updateLesson({ userId: built.teacher.user.id, role: 'teacher' }, event.id, { startAt: new Date(later).toISOString(), endAt: new Date(later + 60 * MINUTE).toISOString() });
    const [onB, onA] = await Promise.all([arrivedB, arrivedA]);
    expect(onB.unread).toBe(1);
    expect(onB.meta?.room).toBe(`user:${student.user.id}`);
    expect(onA.notification.id).toBe(onB.notification.id);

    const readOnA = nextEventMatching<NotificationReadPayload>(tabOnA, 'notification:read', () => true);
    const res = await request(nodeB.url).post(`/api/notifications/${onB.notification.id}/read`).set('Authorization', `Bearer ${student.token}`);
    expect(res.body).toEqual({ unread: 0 });
    expect(await readOnA).toMatchObject({ ids: [onB.notification.id], all: false, unread: 0 });
    expect((await bell(nodeA, student.token)).items[0]!.read).toBe(true);
  });

  it('mark all read clears the count everywhere; others’ notifications are out of reach', async () => {
    const built = await buildGroup(nodeA, { studentCount: 2 });
    const [me, other] = built.students as [typeof built.students[0], typeof built.students[0]];
    const start = Date.now() + 3 * DAY;
    for (const offset of [0, 2]) {
      const { event } = await buildLesson(nodeA, built.teacher, built.group.id, new Date(start + offset * 60 * MINUTE).toISOString());
      await nodeA.ctx.services.schedule.cancelLesson({ userId: built.teacher.user.id, role: 'teacher' }, event.id);
    }
    expect((await bell(nodeB, me.token)).unread).toBe(2);
    const page = await bell(nodeB, me.token, { limit: 1 });
    expect(page).toMatchObject({ unread: 2, hasMore: true });
    const next = await bell(nodeB, me.token, { limit: 1, before: page.items[0]!.id });
    expect(next.items).toHaveLength(1);
    expect(next.items[0]!.id).not.toBe(page.items[0]!.id);

    const theirs = (await bell(nodeA, other.token)).items[0]!;
    const foreign = await request(nodeB.url).post(`/api/notifications/${theirs.id}/read`).set('Authorization', `Bearer ${me.token}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('notification/not-found');
    const bad = await request(nodeB.url).post(`/api/notifications/not-an-id/read`).set('Authorization', `Bearer ${me.token}`);
    expect(bad.status).toBe(400);
    expect((await request(nodeB.url).get('/api/notifications')).status).toBe(401);

    const tab = await connected(nodeA, me.token);
    const cleared = nextEventMatching<NotificationReadPayload>(tab, 'notification:read', (p) => p.all);
    const all = await request(nodeB.url).post('/api/notifications/read-all').set('Authorization', `Bearer ${me.token}`);
    expect(all.body).toEqual({ unread: 0 });
    expect((await cleared).unread).toBe(0);
    expect((await bell(nodeA, other.token)).unread).toBe(2);
  });
});
