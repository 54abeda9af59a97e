import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, nextEvent } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildAdmin, buildStudent, buildTeacher } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';

const clock = new ManualClock();
const app = await createTestApp({ clock });
const api = () => request(app.url);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return app.infra.orm.em.fork().getConnection().execute(query, params, 'all');
}
const markCount = async (lessonId: string) => Number((await sql<{ n: string }>('select count(*) as n from attendance_marks where lesson_id = ?', [lessonId]))[0]!.n);

beforeEach(() => clock.set('2026-03-02T12:00:00Z'));

async function classWithLesson(studentCount = 3) {
  const built = await buildGroup(app, { studentCount });
  const { lesson } = await buildLesson(app, built.teacher, built.group.id, '2026-03-02T09:00:00Z', 90, 'Algebra');
  return { ...built, lessonId: lesson.id };
}

describe('attendance marks', () => {
  it('the teacher marks a lesson; the view shows the roster, marks and default settings', async () => {
    const { teacher, students, lessonId } = await classWithLesson();
    const marks = [
      { studentId: students[0]!.user.id, status: 'present' },
      { studentId: students[1]!.user.id, status: 'late', comment: 'bus' },
      { studentId: students[2]!.user.id, status: 'absent' },
    ];
    const saved = await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send({ marks });
    expect(saved.status).toBe(200);
    expect(saved.body.marks).toHaveLength(3);
    const view = await api().get(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token));
    expect(view.status).toBe(200);
    expect(view.body.roster).toHaveLength(3);
    expect(view.body.settings).toEqual({ points: { present: 2, late: 1, excused: 1, absent: 0 }, maxPoints: 2, lateAfterMinutes: 10 });
    expect(view.body.canEdit).toBe(true);
    const late = view.body.marks.find((m: { studentId: string }) => m.studentId === students[1]!.user.id);
    expect(late).toMatchObject({ status: 'late', comment: 'bus', markedBy: teacher.user.id, markedAt: clock.now().toISOString() });
    // A second save changes a mark in place.
    await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send({ marks: [{ studentId: students[2]!.user.id, status: 'excused', comment: '' }] }).expect(200);
    const again = await api().get(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token));
    expect(again.body.marks.find((m: { studentId: string }) => m.studentId === students[2]!.user.id)).toMatchObject({ status: 'excused', comment: null });
  });

  it('gradebook reads: columns of marked lessons, cells with points per the group settings, and a change notice', async () => {
    const { teacher, students, group, lessonId } = await classWithLesson(2);
    await buildLesson(app, teacher, group.id, '2026-03-03T09:00:00Z', 60, 'Unmarked');
    const changes: unknown[] = [];
    app.ctx.services.attendance.onMarksChanged((change) => void changes.push(change));
    const marks = [
      { studentId: students[0]!.user.id, status: 'late' },
      { studentId: students[1]!.user.id, status: 'excused' },
    ];
    await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send({ marks }).expect(200);
    expect(changes).toEqual([{ groupId: group.id, lessonId, studentIds: marks.map((m) => m.studentId) }]);
    const service = app.ctx.services.attendance;
    expect(await service.gradebookColumns(group.id)).toEqual([{ lessonId, title: 'Algebra', startAt: new Date('2026-03-02T09:00:00Z'), maxPoints: 2 }]);
    const cells = await service.gradebookCells(group.id);
    expect(cells.map((c) => [c.studentId, c.status, c.points]).sort()).toEqual(
      [
        [students[0]!.user.id, 'late', 1],
        [students[1]!.user.id, 'excused', 1],
      ].sort(),
    );
    expect(await service.gradebookCells(group.id, students[0]!.user.id)).toHaveLength(1);

    changes.length = 0;
    const settings = { points: { present: 10, late: 5, excused: 10, absent: 0 }, maxPoints: 10, lateAfterMinutes: 5 };
    const put = await api().put(`/api/groups/${group.id}/attendance-settings`).set(bearer(teacher.token)).send(settings);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(settings);
    expect(changes).toEqual([{ groupId: group.id, lessonId, studentIds: [...marks.map((m) => m.studentId)].sort() }]);
    expect((await service.gradebookColumns(group.id))[0]!.maxPoints).toBe(10);
    expect((await service.gradebookCells(group.id, students[0]!.user.id))[0]!.points).toBe(5);
  });

  it('an occurrence of a weekly rule is stored on its first mark and keeps its id afterwards', async () => {
    const { teacher, students, group } = await buildGroup(app, { studentCount: 1 });
    const rule = await buildRule(app, teacher, group.id); // Mondays 18:00 Moscow
    const eventId = `rule:${rule.id}:2026-03-02`;
    const before = await api().get(`/api/lessons/${eventId}/attendance`).set(bearer(teacher.token));
    expect(before.status).toBe(200);
    expect(before.body.lesson).toMatchObject({ eventId, lessonId: null, startAt: '2026-03-02T15:00:00.000Z' });
    expect(await sql('select id from lessons where rule_id = ?', [rule.id])).toHaveLength(0);
    const saved = await api().put(`/api/lessons/${eventId}/attendance`).set(bearer(teacher.token)).send({ marks: [{ studentId: students[0]!.user.id, status: 'present' }] });
    expect(saved.status).toBe(200);
    const stored = await sql<{ id: string }>('select id from lessons where rule_id = ? and occurrence_date = ?', [rule.id, '2026-03-02']);
    expect(stored).toHaveLength(1);
    expect(saved.body.lesson.lessonId).toBe(stored[0]!.id);
    const viaOccurrence = await api().get(`/api/lessons/${eventId}/attendance`).set(bearer(teacher.token));
    expect(viaOccurrence.body.marks).toHaveLength(1);
    // A date the rule does not fall on is not a lesson.
    const wrongDay = await api().put(`/api/lessons/rule:${rule.id}:2026-03-03/attendance`).set(bearer(teacher.token)).send({ marks: [{ studentId: students[0]!.user.id, status: 'present' }] });
    expect(wrongDay.status).toBe(404);
  });
});

describe('attendance: bad input and authorisation', () => {
  it('a bad row refuses the whole save and writes nothing', async () => {
    const { teacher, students, lessonId } = await classWithLesson(2);
    const outsider = await buildStudent(app);
    const ok = { studentId: students[0]!.user.id, status: 'present' };
    const cases: Array<[unknown, number]> = [
      [{ marks: [ok, { studentId: students[1]!.user.id, status: 'sleeping' }] }, 400],
      [{ marks: [ok, { studentId: outsider.user.id, status: 'present' }] }, 400],
      [{ marks: [ok, { studentId: 'not-a-uuid', status: 'present' }] }, 400],
      [{ marks: [ok, ok] }, 400],
      [{ marks: [] }, 400],
      [{ marks: [{ ...ok, comment: 'x'.repeat(501) }] }, 400],
      [{ marks: [{ ...ok, comment: 'a\u0000b' }] }, 400],
      [{ marks: [{ ...ok, extra: 1 }] }, 400],
      [{}, 400],
    ];
    for (const [payload, status] of cases) {
      const response = await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send(payload as object);
      expect(response.status, JSON.stringify(payload)).toBe(status);
      expect(response.body.error.code).toBe('request/invalid');
    }
    expect(await markCount(lessonId)).toBe(0);
    const stranger = await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send({ marks: [{ studentId: outsider.user.id, status: 'present' }] });
    expect(stranger.body.error.fields).toEqual({ 'marks.0.studentId': 'not a student of this group' });
  });

  it('only the group’s teacher marks; admins read; others and unknown ids are 404; students are refused', async () => {
    const { teacher, students, lessonId } = await classWithLesson(1);
    const other = await buildTeacher(app);
    const admin = await buildAdmin(app);
    const marks = [{ studentId: students[0]!.user.id, status: 'present' }];
    expect((await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(other.token)).send({ marks })).status).toBe(404);
    expect((await api().get(`/api/lessons/${lessonId}/attendance`).set(bearer(other.token))).status).toBe(404);
    expect((await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(admin.token)).send({ marks })).status).toBe(403);
    expect((await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(students[0]!.token)).send({ marks })).status).toBe(403);
    expect((await api().get(`/api/lessons/${lessonId}/attendance`).set(bearer(students[0]!.token))).status).toBe(403);
    expect((await api().put(`/api/lessons/${randomUUID()}/attendance`).set(bearer(teacher.token)).send({ marks })).status).toBe(404);
    expect((await api().put(`/api/lessons/rule:${randomUUID()}:2026-03-02/attendance`).set(bearer(teacher.token)).send({ marks })).status).toBe(404);
    expect((await api().get(`/api/lessons/nonsense/attendance`).set(bearer(teacher.token))).status).toBe(400);
    expect((await api().put(`/api/lessons/${lessonId}/attendance`).send({ marks })).status).toBe(401);
    expect(await markCount(lessonId)).toBe(0);
    await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send({ marks }).expect(200);
    const adminView = await api().get(`/api/lessons/${lessonId}/attendance`).set(bearer(admin.token));
    expect(adminView.status).toBe(200);
    expect(adminView.body.canEdit).toBe(false);
    expect(adminView.body.marks).toHaveLength(1);
  });

  it('a cancelled lesson is not marked', async () => {
    const { teacher, students, lessonId } = await classWithLesson(1);
    await app.ctx.services.schedule.cancelLesson({ userId: teacher.user.id, role: 'teacher' }, lessonId);
    const response = await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send({ marks: [{ studentId: students[0]!.user.id, status: 'present' }] });
    expect(response.status).toBe(409);
    expect(await markCount(lessonId)).toBe(0);
  });

  it('settings: bad values refused with nothing written, only the teacher writes, group members read', async () => {
    const { teacher, students, group } = await buildGroup(app, { studentCount: 1 });
    const other = await buildTeacher(app);
    const good = { points: { present: 2, late: 1, excused: 1, absent: 0 }, maxPoints: 2, lateAfterMinutes: 15 };
    for (const bad of [
      { ...good, points: { ...good.points, present: 3 } },
      { ...good, points: { ...good.points, late: -1 } },
      { ...good, points: { ...good.points, late: 1.5 } },
      { ...good, maxPoints: 0 },
      { ...good, lateAfterMinutes: 1000 },
      { ...good, points: { present: 2 } },
    ]) {
      expect((await api().put(`/api/groups/${group.id}/attendance-settings`).set(bearer(teacher.token)).send(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await sql('select * from attendance_settings where group_id = ?', [group.id])).toHaveLength(0);
    expect((await api().put(`/api/groups/${group.id}/attendance-settings`).set(bearer(other.token)).send(good)).status).toBe(404);
    expect((await api().put(`/api/groups/${group.id}/attendance-settings`).set(bearer(students[0]!.token)).send(good)).status).toBe(403);
    expect((await api().put(`/api/groups/${randomUUID()}/attendance-settings`).set(bearer(teacher.token)).send(good)).status).toBe(404);
    await api().put(`/api/groups/${group.id}/attendance-settings`).set(bearer(teacher.token)).send(good).expect(200);
    const read = await api().get(`/api/groups/${group.id}/attendance-settings`).set(bearer(students[0]!.token));
    expect(read.body.lateAfterMinutes).toBe(15);
  });
});

describe('a student’s own attendance', () => {
  it('shows their marks and points, never another student’s', async () => {
    const { teacher, students, group, lessonId } = await classWithLesson(2);
    const [alice, bob] = students as [(typeof students)[0], (typeof students)[0]];
    await api()
      .put(`/api/lessons/${lessonId}/attendance`)
      .set(bearer(teacher.token))
      .send({ marks: [{ studentId: alice.user.id, status: 'late', comment: 'traffic' }, { studentId: bob.user.id, status: 'absent', comment: 'secret about bob' }] })
      .expect(200);
    const mine = await api().get(`/api/me/attendance?groupId=${group.id}`).set(bearer(alice.token));
    expect(mine.status).toBe(200);
    expect(mine.body.lessons).toEqual([{ lessonId, title: 'Algebra', startAt: '2026-03-02T09:00:00.000Z', status: 'late', points: 1, comment: 'traffic' }]);
    expect(mine.body.summary).toMatchObject({ points: 1, maxPoints: 2, counts: { present: 0, late: 1, excused: 0, absent: 0 } });
    expect(JSON.stringify(mine.body)).not.toContain(bob.user.id);
    expect(JSON.stringify(mine.body)).not.toContain('secret about bob');
    const defaultGroup = await api().get('/api/me/attendance').set(bearer(alice.token));
    expect(defaultGroup.body.groupId).toBe(group.id);
    const outsider = await buildStudent(app);
    expect((await api().get(`/api/me/attendance?groupId=${group.id}`).set(bearer(outsider.token))).status).toBe(404);
    expect((await api().get(`/api/me/attendance`).set(bearer(teacher.token))).status).toBe(403);
    expect((await api().get(`/api/me/attendance?groupId=nope`).set(bearer(alice.token))).status).toBe(400);
  });

  it('a save tells the group’s open views to re-read, without carrying any mark', async () => {
    const { teacher, students, group, lessonId } = await classWithLesson(1);
    const other = await buildGroup(app, { studentCount: 1 });
    const mineSocket = app.socket(students[0]!.token);
    const otherSocket = app.socket(other.students[0]!.token);
    await Promise.all([nextEvent(mineSocket, 'session:ready'), nextEvent(otherSocket, 'session:ready')]);
    const heardByOther: Array<{ groupId: string }> = [];
    otherSocket.on('attendance:changed', (payload) => void heardByOther.push(payload));
    const heard = nextEvent<Record<string, unknown>>(mineSocket, 'attendance:changed');
    await api().put(`/api/lessons/${lessonId}/attendance`).set(bearer(teacher.token)).send({ marks: [{ studentId: students[0]!.user.id, status: 'absent', comment: 'private' }] }).expect(200);
    const payload = await heard;
    expect(payload).toMatchObject({ groupId: group.id, lessonId, reason: 'marks' });
    expect(Object.keys(payload).sort()).toEqual(['groupId', 'lessonId', 'meta', 'reason']);
    // The other group's student hears only their own group's save, which comes after ours.
    const otherLesson = await buildLesson(app, other.teacher, other.group.id, '2026-03-02T10:30:00Z', 60);
    const ownEvent = nextEvent(otherSocket, 'attendance:changed');
    await api().put(`/api/lessons/${otherLesson.lesson.id}/attendance`).set(bearer(other.teacher.token)).send({ marks: [{ studentId: other.students[0]!.user.id, status: 'present' }] }).expect(200);
    await ownEvent;
    expect(heardByOther.map((event) => event.groupId)).toEqual([other.group.id]);
  });
});
