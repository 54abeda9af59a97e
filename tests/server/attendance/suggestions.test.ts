import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildStudent } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildAccount } from '../../factories/pool.js';
import { deliverZoomWebhook } from '../../fakes/zoom-webhook.js';

const SECRET = 'zoom-webhook-secret-for-attendance';
const START = '2026-03-02T09:00:00Z';
const clock = new ManualClock();
const app = await createTestApp({ clock, env: { ZOOM_WEBHOOK_SECRET: SECRET } });
const api = () => request(app.url);
/** Access tokens live 15 minutes of the clock, which these tests move: sign one at the current time. */
const bearer = async (who: { user: { id: string; role: string } }) => ({ authorization: `Bearer ${(await app.infra.tokens.sign(who.user.id, who.user.role as 'teacher')).token}` });
const at = (minutes: number) => new Date(new Date(START).getTime() + minutes * 60_000);
const hook = `${app.url}/api/webhooks/zoom`;

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return app.infra.orm.em.fork().getConnection().execute(query, params, 'all');
}

beforeEach(() => clock.set(START));

type Suggestion = { studentId: string; status: string; minutes: number; sources: string[] };
const byStudent = (suggestions: Suggestion[]) => Object.fromEntries(suggestions.map((s) => [s.studentId, s]));

describe('suggestions from the demo meeting room', () => {
  it('joined → present, joined after the threshold → late, never joined → absent; the teacher confirms them in one save', async () => {
    await buildAccount(app, { provider: 'demo' });
    const { teacher, students, group } = await buildGroup(app, { studentCount: 3 });
    const [early, late, missing] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0]];
    const { lesson } = await buildLesson(app, teacher, group.id, START, 90, 'Physics');
    const started = await api().post(`/api/lessons/${lesson.id}/start`).set(await bearer(teacher));
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const meetingId = started.body.meetingId as string;

    const before = await api().get(`/api/lessons/${lesson.id}/attendance`).set(await bearer(teacher));
    expect(before.body.suggestions.map((s: Suggestion) => s.status)).toEqual(['absent', 'absent', 'absent']);

    clock.set(at(2));
    await api().get(`/api/demo-meetings/${meetingId}`).set(await bearer(early)).expect(200);
    clock.set(at(15));
    await api().get(`/api/demo-meetings/${meetingId}`).set(await bearer(late)).expect(200);
    await api().get(`/api/demo-meetings/${meetingId}`).set(await bearer(early)).expect(200); // a reload is not a new join
    clock.set(at(40));

    const view = await api().get(`/api/lessons/${lesson.id}/attendance`).set(await bearer(teacher));
    expect(view.status).toBe(200);
    expect(view.body.marks).toEqual([]);
    const suggested = byStudent(view.body.suggestions);
    expect(suggested[early.user.id]).toMatchObject({ status: 'present', minutes: 38, sources: ['demo'], joinedAt: at(2).toISOString() });
    expect(suggested[late.user.id]).toMatchObject({ status: 'late', minutes: 25, sources: ['demo'] });
    expect(suggested[missing.user.id]).toMatchObject({ status: 'absent', joinedAt: null, minutes: 0, sources: [] });

    // A larger threshold turns the late joiner into present.
    const settings = { points: { present: 2, late: 1, excused: 1, absent: 0 }, maxPoints: 2, lateAfterMinutes: 20 };
    await api().put(`/api/groups/${group.id}/attendance-settings`).set(await bearer(teacher)).send(settings).expect(200);
    const relaxed = byStudent((await api().get(`/api/lessons/${lesson.id}/attendance`).set(await bearer(teacher))).body.suggestions);
    expect(relaxed[late.user.id]!.status).toBe('present');

    // "Confirm suggestions" is a save of exactly those statuses.
    const marks = (view.body.suggestions as Suggestion[]).map((s) => ({ studentId: s.studentId, status: s.status }));
    const confirmed = await api().put(`/api/lessons/${lesson.id}/attendance`).set(await bearer(teacher)).send({ marks });
    expect(confirmed.status).toBe(200);
    expect(Object.fromEntries(confirmed.body.marks.map((m: { studentId: string; status: string }) => [m.studentId, m.status]))).toEqual({
      [early.user.id]: 'present',
      [late.user.id]: 'late',
      [missing.user.id]: 'absent',
    });
  });

  it('a lesson that never ran in a meeting has no suggestions', async () => {
    const { teacher, group } = await buildGroup(app, { studentCount: 2 });
    const { lesson } = await buildLesson(app, teacher, group.id, '2026-03-02T13:00:00Z', 60);
    const view = await api().get(`/api/lessons/${lesson.id}/attendance`).set(await bearer(teacher));
    expect(view.body.suggestions).toEqual([]);
  });
});

describe('suggestions from signed Zoom participant webhooks', () => {
  async function zoomLesson() {
    const built = await buildGroup(app, { studentCount: 3 });
    const { lesson } = await buildLesson(app, built.teacher, built.group.id, START, 90, 'Chemistry');
    const meetingId = String(80_000_000_000 + Math.floor(Math.random() * 1_000_000_000));
    await sql(`update lessons set status = 'live', meeting_provider = 'zoom', meeting_id = ?, started_at = ?, join_url = 'https://zoom.test/j/1' where id = ?`, [meetingId, at(-1), lesson.id]);
    return { ...built, lessonId: lesson.id, meetingId, uuid: `uuid-${meetingId}` };
  }
  const participant = (meeting: { meetingId: string; uuid: string }, who: Record<string, unknown>) => ({
    account_id: 'fake-account',
    object: { id: meeting.meetingId, uuid: meeting.uuid, host_id: 'host', topic: 'Chemistry', participant: who },
  });
  const send = (event: string, payload: unknown, eventAt: Date, options: { secret?: string } = {}) =>
    deliverZoomWebhook(hook, options.secret ?? SECRET, event, payload, clock.now(), { eventTs: eventAt.getTime() });

  it('matches participants to students by email, keeps strangers as unmatched, and the teacher assigns them', async () => {
    const meeting = await zoomLesson();
    const { teacher, students, lessonId } = meeting;
    const [alice, bob, carol] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0]];
    clock.set(at(50));
    const joins: Array<[Record<string, unknown>, number, number | null]> = [
      [{ participant_uuid: 'p-alice', user_name: 'Alice', email: alice.user.email.toUpperCase(), join_time: at(1).toISOString() }, 1, 31],
      [{ participant_uuid: 'p-bob', user_name: 'Bob', email: bob.user.email, join_time: at(12).toISOString() }, 12, null],
      [{ participant_uuid: 'p-guest', user_name: 'Carol (phone)', email: 'carol.phone@elsewhere.test', join_time: at(3).toISOString() }, 3, 13],
      [{ participant_uuid: 'p-teacher', user_name: 'Teacher', email: teacher.user.email, join_time: at(0).toISOString() }, 0, null],
    ];
    for (const [who, joined, left] of joins) {
      expect((await send('meeting.participant_joined', participant(meeting, who), at(joined))).body).toMatchObject({ outcome: 'handled' });
      if (left !== null) {
        const leave = await send('meeting.participant_left', participant(meeting, { ...who, leave_time: at(left).toISOString() }), at(left));
        expect(leave.body).toMatchObject({ outcome: 'handled' });
      }
    }
    // Zoom retries a delivery: the ledger drops it.
    const repeat = await send('meeting.participant_joined', participant(meeting, joins[0]![0]), at(1));
    expect(repeat.body).toMatchObject({ outcome: 'duplicate' });
    // A forged one is refused and stores nothing.
    const forged = await send('meeting.participant_joined', participant(meeting, { participant_uuid: 'p-evil', user_name: 'Evil', email: carol.user.email }), at(2), { secret: 'wrong' });
    expect(forged.status).toBe(401);

    const view = await api().get(`/api/lessons/${lessonId}/attendance`).set(await bearer(teacher));
    const suggested = byStudent(view.body.suggestions);
    expect(suggested[alice.user.id]).toMatchObject({ status: 'present', minutes: 30, sources: ['zoom'] });
    // Lateness counts from the later of the scheduled and the real start: 12 minutes > 10.
    expect(suggested[bob.user.id]).toMatchObject({ status: 'late', minutes: 38 });
    expect(suggested[carol.user.id]).toMatchObject({ status: 'absent' });
    expect(view.body.unmatched).toEqual([{ participantKey: 'p-guest', name: 'Carol (phone)', email: 'carol.phone@elsewhere.test', joinedAt: at(3).toISOString(), minutes: 10 }]);

    const assign = async (studentId: string | null, participantKey = 'p-guest') => api().put(`/api/lessons/${lessonId}/attendance/participants`).set(await bearer(teacher)).send({ participantKey, studentId });
    const outsider = await buildStudent(app);
    expect((await assign(outsider.user.id)).status).toBe(400);
    expect((await assign(carol.user.id, 'p-nobody')).status).toBe(404);
    const assigned = await assign(carol.user.id);
    expect(assigned.status).toBe(200);
    expect(assigned.body.unmatched).toEqual([]);
    expect(assigned.body.assigned).toEqual([{ participantKey: 'p-guest', name: 'Carol (phone)', studentId: carol.user.id }]);
    expect(byStudent(assigned.body.suggestions)[carol.user.id]).toMatchObject({ status: 'present', minutes: 10 });
    expect((await api().put(`/api/lessons/${lessonId}/attendance/participants`).set(await bearer(carol)).send({ participantKey: 'p-guest', studentId: carol.user.id })).status).toBe(403);
  });

  it('a participant event for a meeting of no lesson is ignored', async () => {
    const result = await send('meeting.participant_joined', participant({ meetingId: '99999999999', uuid: randomUUID() }, { participant_uuid: 'x', user_name: 'X' }), clock.now());
    expect(result.body).toMatchObject({ outcome: 'ignored' });
  });
});
