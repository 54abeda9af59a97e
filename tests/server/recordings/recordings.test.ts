import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { RecordingAddedPayload } from '@tp/shared';
import { createTestApp, nextEvent } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson } from '../../factories/schedule.js';
import { deliverZoomWebhook } from '../../fakes/zoom-webhook.js';

const SECRET = 'zoom-webhook-secret-for-recordings';
const app = await createTestApp({ env: { ZOOM_WEBHOOK_SECRET: SECRET } });
const hook = `${app.url}/api/webhooks/zoom`;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

let meetingSeq = 82_000_000_000;

/** A lesson of a new group (one member student) that was held in Zoom meeting `meetingId`. */
async function heldLesson() {
  const { group, teacher, students } = await buildGroup(app, { studentCount: 1 });
  const { lesson } = await buildLesson(app, teacher, group.id, '2026-01-15T08:00:00Z', 45, 'Algebra');
  const meetingId = String(meetingSeq++);
  await app.infra.orm.em
    .fork()
    .getConnection()
    .execute(`update lessons set status = 'completed', meeting_provider = 'zoom', meeting_id = ? where id = ?`, [meetingId, lesson.id]);
  return { lessonId: lesson.id, groupId: group.id, teacher, student: students[0]!, meetingId };
}

function recordingCompleted(meetingId: string) {
  return {
    account_id: 'acc',
    object: {
      id: Number(meetingId),
      uuid: `uuid-${meetingId}==`,
      topic: 'Algebra',
      start_time: '2026-01-15T08:00:05Z',
      recording_files: [
        { id: 'mp4', file_type: 'MP4', file_size: 120_000_000, download_url: `https://zoom.test/rec/${meetingId}/mp4`, recording_start: '2026-01-15T08:00:05Z', recording_end: '2026-01-15T08:44:05Z' },
        { id: 'm4a', file_type: 'M4A', file_size: 3_456_789, download_url: `https://zoom.test/rec/${meetingId}/m4a`, recording_start: '2026-01-15T08:00:05Z', recording_end: '2026-01-15T08:30:00Z' },
      ],
    },
  };
}

const connected = async (token: string) => {
  const socket = app.socket(token);
  await nextEvent(socket, 'session:ready');
  return socket;
};

describe('lesson recordings', () => {
  it('reach the teacher and the group’s students live, with size, duration and link; outsiders get nothing', async () => {
    const held = await heldLesson();
    const outsider = await buildStudent(app);
    const teacherSocket = await connected(held.teacher.token);
    const studentSocket = await connected(held.student.token);
    const outsiderSocket = await connected(outsider.token);
    const outsiderHeard: unknown[] = [];
    outsiderSocket.on('recording:added', (payload) => outsiderHeard.push(payload));

    const toTeacher = nextEvent<RecordingAddedPayload>(teacherSocket, 'recording:added');
    const toStudent = nextEvent<RecordingAddedPayload>(studentSocket, 'recording:added');
    const delivered = await deliverZoomWebhook(hook, SECRET, 'recording.completed', recordingCompleted(held.meetingId), app.clock.now());
    expect(delivered.status).toBe(200);

    for (const payload of [await toTeacher, await toStudent]) {
      expect(payload.lessonId).toBe(held.lessonId);
      expect(payload.groupId).toBe(held.groupId);
      expect(payload.meta?.seq).toBeGreaterThan(0);
      expect(payload.recordings.map((r) => [r.url, r.sizeBytes, r.durationSeconds]).sort()).toEqual([
        [`https://zoom.test/rec/${held.meetingId}/m4a`, 3_456_789, 1795],
        [`https://zoom.test/rec/${held.meetingId}/mp4`, 120_000_000, 2640],
      ]);
    }
    // The same delivery again (a Zoom retry) announces nothing new.
    const again = new Promise<number>((resolve) => {
      let heard = 0;
      teacherSocket.on('recording:added', () => (heard += 1));
      setTimeout(() => resolve(heard), 300);
    });
    await deliverZoomWebhook(hook, SECRET, 'recording.completed', recordingCompleted(held.meetingId), app.clock.now(), { eventTs: app.clock.now().getTime() });
    expect(await again).toBe(0);
    expect(outsiderHeard).toEqual([]);
  });

  it('are listed to the teacher, the group’s students and admins, and hidden from everyone else', async () => {
    const held = await heldLesson();
    await deliverZoomWebhook(hook, SECRET, 'recording.completed', recordingCompleted(held.meetingId), app.clock.now());
    const admin = await buildAdmin(app);
    for (const token of [held.teacher.token, held.student.token, admin.token]) {
      const res = await request(app.url).get(`/api/lessons/${held.lessonId}/recordings`).set(bearer(token));
      expect(res.status).toBe(200);
      expect(res.body.lessonId).toBe(held.lessonId);
      expect(res.body.items).toHaveLength(2);
      const video = res.body.items.find((r: { url: string }) => r.url.endsWith('/mp4'));
      expect(video).toMatchObject({ lessonId: held.lessonId, sizeBytes: 120_000_000, durationSeconds: 2640, recordedAt: '2026-01-15T08:00:05.000Z' });
    }
    const otherTeacher = await buildTeacher(app);
    const otherStudent = await buildStudent(app);
    for (const token of [otherTeacher.token, otherStudent.token]) {
      const res = await request(app.url).get(`/api/lessons/${held.lessonId}/recordings`).set(bearer(token));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('lesson/not-found');
    }
    expect((await request(app.url).get(`/api/lessons/${held.lessonId}/recordings`)).status).toBe(401);
    const bad = await request(app.url).get('/api/lessons/not-a-uuid/recordings').set(bearer(held.teacher.token));
    expect(bad.status).toBe(400);
  });

  it('a student who left the group no longer sees them; a lesson without recordings lists none', async () => {
    const held = await heldLesson();
    await deliverZoomWebhook(hook, SECRET, 'recording.completed', recordingCompleted(held.meetingId), app.clock.now());
    const fresh = await heldLesson();
    const empty = await request(app.url).get(`/api/lessons/${fresh.lessonId}/recordings`).set(bearer(fresh.teacher.token));
    expect(empty.body).toEqual({ lessonId: fresh.lessonId, items: [] });

    await app.ctx.services.groups.removeStudent({ userId: held.teacher.user.id, role: 'teacher' }, held.groupId, held.student.user.id);
    const res = await request(app.url).get(`/api/lessons/${held.lessonId}/recordings`).set(bearer(held.student.token));
    expect(res.status).toBe(404);
  });
});
