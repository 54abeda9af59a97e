import { untrack } from 'svelte';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { LIMITS } from '@tp/shared/constants';
import type { LessonLivePayload } from '@tp/shared';
import { isApiError } from '$lib/api/http.js';
import { onResync, onSocket } from '$lib/api/socket.js';
import { meetingsApi } from './meetings.api.js';

/** The join side of a running lesson: what students (and the teacher) may see. Never the host link. */
export interface LiveMeeting {
  lessonId: string;
  meetingId: string;
  joinUrl: string;
  password: string | null;
}

/** A lesson a view shows, with the times that bound when it can be live. */
export interface WatchedLesson {
  id: string;
  startAt: string;
  endAt: string;
  /** What the list said when it was loaded. */
  live: boolean;
}

/** A lesson may run on past its end until the release sweep's grace; resync checks this far around it. */
const AROUND_MS = 2 * 60 * 60 * 1000;
const LEAD_MS = LIMITS.startLeadMinutes * 60_000;

/**
 * Which lessons are live, with their join links. Seeded from `GET /api/lessons/:id/meeting` for
 * lessons the calendar marks live, then kept by `lesson:live` / `lesson:ended`, and re-checked after
 * every reconnect for the lessons on screen whose time is near (events may have been missed).
 */
class LiveLessons {
  private readonly live = new SvelteMap<string, LiveMeeting>();
  /** Lessons seen to end (`lesson:ended`, our own End): a stale `live: true` must not bring Join back. */
  private readonly ended = new SvelteSet<string>();
  /** Lessons the server said are not running when asked (never started, or over). */
  private readonly notRunning = new SvelteSet<string>();
  /** A started occurrence (`rule:…:date`) becomes a stored lesson with its own id. */
  private readonly aliases = new SvelteMap<string, string>();
  private readonly watched = new Map<string, { lesson: WatchedLesson; count: number }>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private listening = false;

  /** The live meeting of a lesson (by calendar event id or stored lesson id), or null. */
  get(id: string): LiveMeeting | null {
    return this.live.get(this.aliases.get(id) ?? id) ?? null;
  }

  isLive(id: string): boolean {
    return this.get(id) !== null;
  }

  /** Live as far as we know: our own record first, else what the list said (while the link is fetched). */
  looksLive(id: string, listedLive: boolean): boolean {
    const lessonId = this.aliases.get(id) ?? id;
    if (this.live.has(lessonId)) return true;
    return listedLive && !this.ended.has(lessonId) && !this.notRunning.has(lessonId);
  }

  /** The lesson's meeting ended while this page was open. */
  hasEnded(id: string): boolean {
    return this.ended.has(this.aliases.get(id) ?? id);
  }

  /** Registers a lesson shown on screen; returns the cleanup. Use from an `$effect`. */
  watch(lesson: WatchedLesson): () => void {
    this.listen();
    const entry = this.watched.get(lesson.id);
    if (entry) {
      entry.count += 1;
      entry.lesson = lesson;
    } else this.watched.set(lesson.id, { lesson, count: 1 });
    // Not a dependency of the caller's effect: the live map changing must not re-register the lesson.
    untrack(() => {
      if (lesson.live && !this.isLive(lesson.id) && !this.ended.has(lesson.id) && !this.notRunning.has(lesson.id)) void this.refresh(lesson.id);
    });
    return () => {
      const current = this.watched.get(lesson.id);
      if (current && --current.count <= 0) this.watched.delete(lesson.id);
    };
  }

  /** The teacher's own start answered: live at once, before the socket event arrives. */
  started(eventId: string, meeting: LiveMeeting): void {
    if (eventId !== meeting.lessonId) this.aliases.set(eventId, meeting.lessonId);
    this.markLive(meeting);
  }

  markLive(meeting: LiveMeeting): void {
    this.ended.delete(meeting.lessonId);
    this.notRunning.delete(meeting.lessonId);
    this.live.set(meeting.lessonId, { lessonId: meeting.lessonId, meetingId: meeting.meetingId, joinUrl: meeting.joinUrl, password: meeting.password });
  }

  markEnded(lessonId: string): void {
    this.live.delete(lessonId);
    this.ended.add(lessonId);
  }

  /** Asks the server whether the lesson runs now (one request per lesson at a time). */
  refresh(id: string): Promise<void> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const request = meetingsApi
      .meeting(id)
      .then((meeting) => {
        if (id !== meeting.lessonId) this.aliases.set(id, meeting.lessonId);
        this.markLive(meeting);
      })
      .catch((error: unknown) => {
        // Not live (409), or an occurrence never started (404): no Join. Other failures keep what we know.
        if (isApiError(error, 'lesson/not-live') || isApiError(error, 'lesson/not-found')) {
          const lessonId = this.aliases.get(id) ?? id;
          this.live.delete(lessonId);
          this.notRunning.add(lessonId);
        }
      })
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, request);
    return request;
  }

  /** After a reconnect: re-check every lesson on screen that could be live now, and every one we think is. */
  resync(now = Date.now()): void {
    const ids: string[] = [];
    for (const { lesson } of this.watched.values()) {
      const opens = Date.parse(lesson.startAt) - LEAD_MS;
      const closes = Date.parse(lesson.endAt) + AROUND_MS;
      if (now >= opens && now <= closes) ids.push(lesson.id);
    }
    for (const [eventId, lessonId] of this.aliases) if (this.live.has(lessonId)) ids.push(eventId);
    for (const lessonId of this.live.keys()) if (![...this.aliases.values()].includes(lessonId)) ids.push(lessonId);
    // refresh() shares one request per id, so duplicates cost nothing.
    for (const id of ids) void this.refresh(id);
  }

  private listen(): void {
    if (this.listening || typeof window === 'undefined') return;
    this.listening = true;
    onSocket('lesson:live', (payload: LessonLivePayload) => this.markLive(payload));
    onSocket('lesson:ended', ({ lessonId }) => this.markEnded(lessonId));
    // Also on the first connection: a lesson may have gone live between the list's load and the socket's.
    onResync(() => this.resync());
  }
}

export const liveLessons = new LiveLessons();
