import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';

const app = await createTestApp();
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** Lines at one instant have no order; each step happens a second after the last. */
const tick = () => (app.clock as ManualClock).advance(1000);

interface Line {
  action: string;
  actorId: string;
  lessonId: string | null;
  detail: Record<string, unknown> & { changes?: unknown; userId?: string; groupId?: string; studentId?: string; groupName?: string };
}
async function trail(filter: (line: Line) => boolean): Promise<Line[]> {
  const admin = await buildAdmin(app);
  const res = await request(app.url).get('/api/audit?limit=200').set(bearer(admin.token));
  expect(res.status).toBe(200);
  return (res.body.items as Line[]).filter(filter).reverse();
}

describe('audit trail of the schedule and of groups', () => {
  it('records a lesson created, moved, renamed, cancelled and restored, with who and when', async () => {
    const { group, teacher } = await buildGroup(app);
    const created = await request(app.url)
      .post('/api/lessons')
      .set(bearer(teacher.token))
      .send({ groupId: group.id, title: 'Physics', startAt: '2026-01-20T09:00:00Z', endAt: '2026-01-20T10:00:00Z' });
    expect(created.status).toBe(201);
    const id = created.body.lesson.id as string;
    const patch = (body: object) => (tick(), request(app.url)).patch(`/api/lessons/${id}`).set(bearer(teacher.token)).send(body);
    expect((await patch({ startAt: '2026-01-20T11:00:00Z', endAt: '2026-01-20T12:00:00Z' })).status).toBe(200);
    expect((await patch({ title: 'Physics II' })).status).toBe(200);
    tick();
    expect((await request(app.url).delete(`/api/lessons/${id}`).set(bearer(teacher.token))).status).toBeLessThan(300);
    expect((await patch({ status: 'scheduled' })).status).toBe(200);
    // A refused edit (a clash or bad input) leaves no line.
    expect((await patch({ endAt: '2026-01-20T10:00:00Z' })).status).toBe(400);

    const lines = await trail((line) => line.lessonId === id);
    expect(lines.map((line) => line.action)).toEqual(['lesson.create', 'lesson.move', 'lesson.rename', 'lesson.cancel', 'lesson.restore']);
    expect(lines.every((line) => line.actorId === teacher.user.id)).toBe(true);
    expect(lines[0]!.detail).toMatchObject({ title: 'Physics', groupId: group.id, startAt: '2026-01-20T09:00:00.000Z' });
    expect(lines[1]!.detail).toMatchObject({ startAt: '2026-01-20T11:00:00.000Z', from: { startAt: '2026-01-20T09:00:00.000Z', endAt: '2026-01-20T10:00:00.000Z' } });
    expect(lines[2]!.detail).toMatchObject({ title: 'Physics II', previousTitle: 'Physics' });
  });

  it('records students added, joining by invite and removed', async () => {
    const teacher = await buildTeacher(app);
    const { group } = await buildGroup(app, { teacher });
    const added = await buildStudent(app);
    const joiner = await buildStudent(app);
    expect((await request(app.url).post(`/api/groups/${group.id}/students`).set(bearer(teacher.token)).send({ email: added.user.email })).status).toBeLessThan(300);
    tick();
    expect((await request(app.url).post('/api/groups/join').set(bearer(joiner.token)).send({ code: group.inviteCode })).status).toBe(200);
    tick();
    expect((await request(app.url).delete(`/api/groups/${group.id}/students/${added.user.id}`).set(bearer(teacher.token))).status).toBeLessThan(300);

    const lines = await trail((line) => line.detail.groupId === group.id && line.action.startsWith('group.member'));
    expect(lines.map((line) => [line.action, line.actorId, line.detail.studentId])).toEqual([
      ['group.member.add', teacher.user.id, added.user.id],
      ['group.member.join', joiner.user.id, joiner.user.id],
      ['group.member.remove', teacher.user.id, added.user.id],
    ]);
    expect(lines[0]!.detail.groupName).toBe(group.name);
  });
});
