import type { MeetingDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

/** What a start returns to the lesson's teacher: the host link is always present. */
export type HostMeeting = MeetingDto & { startUrl: string };

const lessonPath = (id: string, tail: string) => `/api/lessons/${encodeURIComponent(id)}/${tail}`;

/** A random Idempotency-Key; `crypto.randomUUID` needs a secure context, `getRandomValues` does not. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `start-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const meetingsApi = {
  /** The same key on a retry gets the same meeting back instead of a second one. */
  start: (lessonId: string, idempotencyKey: string) =>
    http.post<HostMeeting>(lessonPath(lessonId, 'start'), undefined, { headers: { 'Idempotency-Key': idempotencyKey } }),
  /** A lesson ended by mistake runs again on a new meeting while its time lasts. */
  restart: (lessonId: string, idempotencyKey: string) =>
    http.post<HostMeeting>(lessonPath(lessonId, 'restart'), undefined, { headers: { 'Idempotency-Key': idempotencyKey } }),
  end: (lessonId: string) => http.post<{ lessonId: string; status: string }>(lessonPath(lessonId, 'end')),
  /** Students of the group get the join link; the teacher also a fresh host link. 409 when not live. */
  meeting: (lessonId: string) => http.get<MeetingDto>(lessonPath(lessonId, 'meeting')),
};
