import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { createTestApp, nextEvent } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson } from '../../factories/schedule.js';
import { buildAccount } from '../../factories/pool.js';

const START = '2026-03-02T09:00:00Z';
const clock = new ManualClock(new Date(START));
const app = await createTestApp({ clock });
const api = () => request(app.url);
/** Access tokens live 15 minutes of the clock, which these tests move: sign one at the current time. */
const token = async (who: { user: { id: string; role: string } }) => (await app.infra.tokens.sign(who.user.id, who.user.role as 'teacher')).token;
const at = (minutes: number) => new Date(new Date(START).getTime() + minutes * 60_000);

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return app.infra.orm.em.fork().getConnection().execute(query, params, 'all');
}

/** The demo meeting page opened at the clock's time: the page load, then its socket says it is open. */
async function openPage(who: { user: { id: string; role: string } }, meetingId: string): Promise<Socket> {
  const bearer = await token(who);
  await api().get(`/api/demo-meetings/${meetingId}`).set('Authorization', `Bearer ${bearer}`).expect(200);
  const socket = app.socket(bearer);
  await nextEvent(socket, 'session:ready');
  expect(await socket.emitWithAck('meeting:enter', { meetingId })).toEqual({ ok: true, data: { counted: true } });
  return socket;
}

/** A closed tab: the socket goes away without a word; the server ends the stay on its disconnect. */
async function closeTab(socket: Socket, userId: string): Promise<void> {
  socket.disconnect();
  for (let i = 0; i < 200; i++) {
    const open = await sql(`select 1 from demo_meeting_stays where user_id = ? and left_at is null`, [userId]);
    if (!open.length) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the stay was not closed');
}

describe('time in the demo meeting room', () => {
  it('counts from join to leave: a closed tab stops the count, a reopened page starts a new stay, a page that never reported counts on', async () => {
    await buildAccount(app, { provider: 'demo' });
    const { teacher, students, group } = await buildGroup(app, { studentCount: 4 });
    const [closer, leaver, pageOnly, stranger] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0], (typeof students)[0]];
    const { lesson } = await buildLesson(app, teacher, group.id, START, 90, 'Physics');
    const started = await api().post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${await token(teacher)}`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const meetingId = started.body.meetingId as string;

    clock.set(at(1));
    const first = await openPage(closer, meetingId);
    clock.set(at(2));
    const leaving = await openPage(leaver, meetingId);
    clock.set(at(3));
    await api().get(`/api/demo-meetings/${meetingId}`).set('Authorization', `Bearer ${await token(pageOnly)}`).expect(200);

    clock.set(at(5));
    // the page's pagehide: it says it is leaving
    expect(await leaving.emitWithAck('meeting:leave', { meetingId })).toEqual({ ok: true, data: { counted: true } });
    clock.set(at(11));
    await closeTab(first, closer.user.id);
    clock.set(at(30));
    const again = await openPage(closer, meetingId);
    clock.set(at(40));

    const view = await api().get(`/api/lessons/${lesson.id}/attendance`).set('Authorization', `Bearer ${await token(teacher)}`);
    expect(view.status).toBe(200);
    const suggested = Object.fromEntries((view.body.suggestions as Array<{ studentId: string }>).map((s) => [s.studentId, s]));
    expect(suggested[closer.user.id]).toMatchObject({ status: 'present', joinedAt: at(1).toISOString(), minutes: 10 + 10, sources: ['demo'] });
    expect(suggested[leaver.user.id]).toMatchObject({ status: 'present', joinedAt: at(2).toISOString(), minutes: 3 });
    expect(suggested[pageOnly.user.id]).toMatchObject({ status: 'present', minutes: 37 });
    expect(suggested[stranger.user.id]).toMatchObject({ status: 'absent', minutes: 0 });
    again.disconnect();
  });

  it('a socket of someone who is not one of the lesson’s people, or of a meeting not running, is not counted', async () => {
    await buildAccount(app, { provider: 'demo' });
    const { teacher, students, group } = await buildGroup(app, { studentCount: 1 });
    const other = await buildGroup(app, { studentCount: 1 });
    const { lesson } = await buildLesson(app, teacher, group.id, START, 90);
    clock.set(START);
    const started = await api().post(`/api/lessons/${lesson.id}/start`).set('Authorization', `Bearer ${await token(teacher)}`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const meetingId = started.body.meetingId as string;
    const outsider = app.socket(await token(other.students[0]!));
    await nextEvent(outsider, 'session:ready');
    expect(await outsider.emitWithAck('meeting:enter', { meetingId })).toEqual({ ok: true, data: { counted: false } });
    expect(await outsider.emitWithAck('meeting:enter', { meetingId: 'no such meeting!' })).toMatchObject({ ok: false, error: { code: 'request/invalid' } });
    const member = app.socket(await token(students[0]!));
    await nextEvent(member, 'session:ready');
    expect(await member.emitWithAck('meeting:enter', { meetingId: 'unknown-meeting' })).toEqual({ ok: true, data: { counted: false } });
    expect(await sql(`select 1 from demo_meeting_stays where lesson_id = ?`, [lesson.id])).toEqual([]);
  });
});
