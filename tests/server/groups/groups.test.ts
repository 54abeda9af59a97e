import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';

let app: TestApp;
let teacherA: BuiltUser;
let teacherB: BuiltUser;
let student: BuiltUser;
let outsider: BuiltUser;
let admin: BuiltUser;

const api = (token: string) => ({
  get: (url: string) => request(app.url).get(url).set('Authorization', `Bearer ${token}`),
  post: (url: string, body: object = {}) => request(app.url).post(url).set('Authorization', `Bearer ${token}`).send(body),
  patch: (url: string, body: object) => request(app.url).patch(url).set('Authorization', `Bearer ${token}`).send(body),
  delete: (url: string) => request(app.url).delete(url).set('Authorization', `Bearer ${token}`),
});

beforeAll(async () => {
  app = await createTestApp();
  [teacherA, teacherB, student, outsider, admin] = await Promise.all([
    buildTeacher(app, { firstName: 'Anna', lastName: 'A' }),
    buildTeacher(app),
    buildStudent(app, { email: 'pupil@example.test' }),
    buildStudent(app),
    buildAdmin(app),
  ]);
});

describe('groups', () => {
  it('lets a teacher create, list and read a group with its invite code', async () => {
    const created = await api(teacherA.token).post('/api/groups', { name: '  English B1 ' });
    expect(created.status).toBe(201);
    expect(created.body.group).toMatchObject({ name: 'English B1', teacherId: teacherA.user.id, teacherName: 'Anna A', archived: false, studentCount: 0 });
    expect(created.body.group.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    const list = await api(teacherA.token).get('/api/groups');
    expect(list.body.groups.map((g: { id: string }) => g.id)).toContain(created.body.group.id);
    const other = await api(teacherB.token).get('/api/groups');
    expect(other.body.groups.map((g: { id: string }) => g.id)).not.toContain(created.body.group.id);
  });

  it('adds students by email, only students, idempotently', async () => {
    const { group } = await buildGroup(app, { teacher: teacherA });
    const added = await api(teacherA.token).post(`/api/groups/${group.id}/students`, { email: 'PUPIL@example.test' });
    expect(added.status).toBe(200);
    expect(added.body.group.students.map((s: { id: string }) => s.id)).toEqual([student.user.id]);
    const again = await api(teacherA.token).post(`/api/groups/${group.id}/students`, { email: 'pupil@example.test' });
    expect(again.body.group.studentCount).toBe(1);
    const unknown = await api(teacherA.token).post(`/api/groups/${group.id}/students`, { email: 'nobody@example.test' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('group/student-not-found');
    const aTeacher = await api(teacherA.token).post(`/api/groups/${group.id}/students`, { email: teacherB.user.email });
    expect(aTeacher.body.error.code).toBe('group/student-not-found');
  });

  it('shows members their group without the invite code or the member list', async () => {
    const { group } = await buildGroup(app, { teacher: teacherA, students: [student] });
    const seen = await api(student.token).get(`/api/groups/${group.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.group.inviteCode).toBeNull();
    expect(seen.body.group.students).toBeUndefined();
    const mine = await api(student.token).get('/api/groups');
    expect(mine.body.groups.every((g: { inviteCode: null }) => g.inviteCode === null)).toBe(true);
    expect(mine.body.groups.map((g: { id: string }) => g.id)).toContain(group.id);
    expect((await api(outsider.token).get(`/api/groups/${group.id}`)).status).toBe(404);
    expect((await api(teacherB.token).get(`/api/groups/${group.id}`)).status).toBe(404);
  });

  it('removes students', async () => {
    const { group } = await buildGroup(app, { teacher: teacherA, students: [student] });
    const removed = await api(teacherA.token).delete(`/api/groups/${group.id}/students/${student.user.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.group.studentCount).toBe(0);
    const twice = await api(teacherA.token).delete(`/api/groups/${group.id}/students/${student.user.id}`);
    expect(twice.status).toBe(404);
    expect((await api(student.token).get(`/api/groups/${group.id}`)).status).toBe(404);
  });

  it('lets a student join by invite code; a regenerated code retires the old one', async () => {
    const { group } = await buildGroup(app, { teacher: teacherA });
    const joined = await api(outsider.token).post('/api/groups/join', { code: group.inviteCode!.toLowerCase() });
    expect(joined.status).toBe(200);
    expect(joined.body.group).toMatchObject({ id: group.id, inviteCode: null });
    const fresh = await api(teacherA.token).post(`/api/groups/${group.id}/invite-code`);
    expect(fresh.body.group.inviteCode).not.toBe(group.inviteCode);
    const stale = await api(student.token).post('/api/groups/join', { code: group.inviteCode });
    expect(stale.status).toBe(404);
    expect(stale.body.error.code).toBe('group/invite-invalid');
    expect((await api(student.token).post('/api/groups/join', { code: fresh.body.group.inviteCode })).status).toBe(200);
    expect((await api(teacherB.token).post('/api/groups/join', { code: fresh.body.group.inviteCode })).status).toBe(403);
  });

  it('renames and archives; students no longer list archived groups; archived groups take no new students', async () => {
    const { group } = await buildGroup(app, { teacher: teacherA, students: [student] });
    const renamed = await api(teacherA.token).patch(`/api/groups/${group.id}`, { name: 'German A2' });
    expect(renamed.body.group.name).toBe('German A2');
    const archived = await api(teacherA.token).patch(`/api/groups/${group.id}`, { archived: true });
    expect(archived.body.group.archived).toBe(true);
    const list = await api(student.token).get('/api/groups');
    expect(list.body.groups.map((g: { id: string }) => g.id)).not.toContain(group.id);
    const onlyArchived = await api(teacherA.token).get('/api/groups?archived=true');
    expect(onlyArchived.body.groups.map((g: { id: string }) => g.id)).toContain(group.id);
    const add = await api(teacherA.token).post(`/api/groups/${group.id}/students`, { email: outsider.user.email });
    expect(add.status).toBe(409);
    expect(add.body.error.code).toBe('group/archived');
    const join = await api(outsider.token).post('/api/groups/join', { code: archived.body.group.inviteCode });
    expect(join.body.error.code).toBe('group/invite-invalid');
  });

  it('lets admins list everyone’s groups, filtered by teacher; others may not filter', async () => {
    const { group } = await buildGroup(app, { teacher: teacherB });
    const all = await api(admin.token).get('/api/groups');
    expect(all.body.groups.length).toBeGreaterThan(1);
    const filtered = await api(admin.token).get(`/api/groups?teacherId=${teacherB.user.id}`);
    expect(filtered.body.groups.map((g: { id: string }) => g.id)).toEqual([group.id]);
    expect((await api(admin.token).get(`/api/groups/${group.id}`)).body.group.inviteCode).toBe(group.inviteCode);
    expect((await api(teacherA.token).get(`/api/groups?teacherId=${teacherB.user.id}`)).status).toBe(403);
  });

  it('keeps other teachers and students out of every write', async () => {
    const { group } = await buildGroup(app, { teacher: teacherA, students: [student] });
    const attempts = [
      (t: string) => api(t).patch(`/api/groups/${group.id}`, { name: 'Hijacked' }),
      (t: string) => api(t).post(`/api/groups/${group.id}/students`, { email: outsider.user.email }),
      (t: string) => api(t).delete(`/api/groups/${group.id}/students/${student.user.id}`),
      (t: string) => api(t).post(`/api/groups/${group.id}/invite-code`),
    ];
    for (const attempt of attempts) {
      expect((await attempt(teacherB.token)).status).toBe(404);
      expect((await attempt(student.token)).status).toBe(403);
      expect((await attempt(admin.token)).status).toBe(403);
    }
    expect((await api(student.token).post('/api/groups', { name: 'Mine' })).status).toBe(403);
    const after = await api(teacherA.token).get(`/api/groups/${group.id}`);
    expect(after.body.group).toMatchObject({ name: group.name, inviteCode: group.inviteCode, studentCount: 1 });
  });

  it('answers other modules about membership', async () => {
    const first = await buildStudent(app);
    const second = await buildStudent(app);
    const { group } = await buildGroup(app, { teacher: teacherA, students: [first, second] });
    const { group: other } = await buildGroup(app, { teacher: teacherB, students: [first] });
    const groups = app.ctx.services.groups;
    expect(await groups.isMember(group.id, first.user.id)).toBe(true);
    expect(await groups.isMember(group.id, teacherA.user.id)).toBe(false);
    expect(await groups.studentIds(group.id)).toEqual([first.user.id, second.user.id].sort());
    expect(await groups.groupIdsForStudent(first.user.id)).toEqual([group.id, other.id].sort());
    expect(await groups.groupIdsForStudent(outsider.user.id)).not.toContain(group.id);
  });

  it('answers bad input with 400 and unauthenticated calls with 401', async () => {
    expect((await api(teacherA.token).post('/api/groups', { name: '' })).status).toBe(400);
    expect((await api(teacherA.token).post('/api/groups', { name: 'x', extra: 1 })).status).toBe(400);
    expect((await api(teacherA.token).get('/api/groups/not-a-uuid')).status).toBe(400);
    expect((await api(student.token).post('/api/groups/join', { code: 'ab' })).status).toBe(400);
    expect((await request(app.url).get('/api/groups')).status).toBe(401);
  });
});
