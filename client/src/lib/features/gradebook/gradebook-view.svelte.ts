import { SvelteSet } from 'svelte/reactivity';
import type { EventMeta, GradebookCellPayload, GradebookColumnPayload, GradebookRowPayload } from '@tp/shared';
import { ApiError } from '$lib/api/errors.js';
import { getSocket, onResync, onSocket, resetSeq, trackRoom, whenSessionReady } from '$lib/api/socket.js';
import { applyCell, applyColumns, applyRows } from './apply.js';
import { gradebookApi } from './api.js';
import { gradebookRooms, type GradebookDto } from './types.js';

const WATCH_TIMEOUT_MS = 5_000;
/** A watch left unanswered is sent once more before the view falls back to HTTP. */
const WATCH_ATTEMPTS = 2;
const READY_TIMEOUT_MS = 5_000;
/** After an HTTP fallback on a connected socket, how soon the view tries to go live again. */
const REWATCH_AFTER_MS = 5_000;
/** How long a changed cell stays highlighted. */
export const FLASH_MS = 1_500;

type Live =
  | { kind: 'cell'; event: GradebookCellPayload }
  | { kind: 'row'; event: GradebookRowPayload }
  | { kind: 'column'; event: GradebookColumnPayload };

/** Events without a number (none are expected) count as newer than any snapshot. */
const seqOf = (live: Live) => live.event.meta?.seq ?? Number.MAX_SAFE_INTEGER;

export interface Viewer {
  userId: string;
  role: 'teacher' | 'student' | 'admin';
}

/** The socket room a viewer's events come through: the whole group, or a student's own slice of it. */
export const gradebookRoom = (groupId: string, viewer: Viewer) =>
  viewer.role === 'student' ? gradebookRooms.student(groupId, viewer.userId) : gradebookRooms.group(groupId);

/**
 * One open gradebook (the teacher's table, an admin's read-only copy, or a student's own row): the
 * snapshot from `gradebook:watch` (HTTP when the socket is down), then `gradebook:cell|row|column`
 * applied in sequence order. Events that arrive while a snapshot is on its way wait and are applied
 * on top of it if newer; a gap or a reconnect loads a new snapshot.
 */
export class GradebookView {
  /** Raw: 60 000 cells must not become deep proxies; every change replaces the touched arrays. */
  dto = $state.raw<GradebookDto | null>(null);
  loading = $state(true);
  error = $state<unknown>(null);
  /** `studentId|columnId` of cells changed in the last moment, plus `studentId|total` for totals. */
  readonly flashing = new SvelteSet<string>();
  /** Bumps on every applied live change (tests and "updated" hints read it). */
  changes = $state(0);
  readonly room: string;
  private waiting: Live[] | null = null;
  private loadingSnapshot: Promise<void> | null = null;
  private again = false;
  // Not rendered: only cleared on close.
  private timers: Array<ReturnType<typeof setTimeout>> = [];

  constructor(
    readonly groupId: string,
    readonly viewer: Viewer,
  ) {
    this.room = gradebookRoom(groupId, viewer);
  }

  /** Loads and follows; returns the cleanup (an `$effect` return). */
  follow(): () => void {
    const forMe = (event: { groupId: string; meta?: EventMeta }) => event.groupId === this.groupId && (!event.meta || event.meta.room === this.room);
    const stops = [
      trackRoom(this.room, () => void this.resnapshot()),
      onSocket('gradebook:cell', (event) => forMe(event) && this.receive({ kind: 'cell', event })),
      onSocket('gradebook:row', (event) => forMe(event) && this.receive({ kind: 'row', event })),
      onSocket('gradebook:column', (event) => forMe(event) && this.receive({ kind: 'column', event })),
      // The server forgets the room on a new connection: watch again on every one.
      onResync(() => void this.resnapshot()),
    ];
    void this.resnapshot();
    return () => {
      this.closed = true;
      stops.forEach((stop) => stop());
      this.timers.forEach((timer) => clearTimeout(timer));
      const socket = getSocket();
      if (socket.connected) socket.emit('gradebook:unwatch', { groupId: this.groupId });
    };
  }

  /** Whether the last snapshot came through the socket (so the room is joined). */
  private watching = false;
  private closed = false;

  /**
   * Loads a new snapshot. A request while one is on its way runs once more after it: the socket may
   * have connected meanwhile (then the next one joins the room), or events may have been missed.
   */
  resnapshot(): Promise<void> {
    if (this.loadingSnapshot) {
      this.again = true;
      return this.loadingSnapshot;
    }
    this.loadingSnapshot = this.loadSnapshot().finally(() => {
      this.loadingSnapshot = null;
      if (this.again) {
        this.again = false;
        void this.resnapshot();
      }
    });
    return this.loadingSnapshot;
  }

  private async loadSnapshot(): Promise<void> {
    this.waiting = [];
    try {
      const { dto, watched } = await this.fetchSnapshot();
      this.watching = watched;
      if (!watched) this.rewatchLater();
      this.dto = dto;
      this.error = null;
      resetSeq(this.room, dto.seq);
      const late = (this.waiting ?? []).filter((live) => seqOf(live) > dto.seq).sort((a, b) => seqOf(a) - seqOf(b));
      this.waiting = null;
      for (const live of late) this.apply(live);
      const newest = late.at(-1)?.event.meta?.seq;
      if (newest !== undefined) resetSeq(this.room, newest);
    } catch (error) {
      this.waiting = null;
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  /**
   * The snapshot through `gradebook:watch` (which also joins the room) once the socket's session is
   * ready — a watch sent earlier can be dropped by the server unanswered — else over HTTP.
   */
  private async fetchSnapshot(): Promise<{ dto: GradebookDto; watched: boolean }> {
    const socket = getSocket();
    if (socket.connected && (await whenSessionReady(READY_TIMEOUT_MS))) {
      for (let attempt = 0; attempt < WATCH_ATTEMPTS && socket.connected && !this.closed; attempt += 1) {
        let result;
        try {
          result = await socket.timeout(WATCH_TIMEOUT_MS).emitWithAck('gradebook:watch', { groupId: this.groupId });
        } catch {
          continue; // no answer in time: ask again
        }
        if (result.ok) return { dto: result.data, watched: true };
        throw new ApiError(result.error.code, result.error.message, 403);
      }
    }
    const dto = this.viewer.role === 'student' ? await gradebookApi.myGrades(this.groupId) : await gradebookApi.snapshot(this.groupId);
    return { dto, watched: false };
  }

  /** Shown from HTTP while the socket is up: not live yet, so try the watch again shortly. */
  private rewatchLater(): void {
    if (this.closed || !getSocket().connected) return; // a (re)connect watches by itself
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((other) => other !== timer);
      if (!this.closed && !this.watching) void this.resnapshot();
    }, REWATCH_AFTER_MS);
    this.timers.push(timer);
  }

  private receive(live: Live): void {
    if (this.waiting) this.waiting.push(live);
    else this.apply(live);
  }

  private apply(live: Live): void {
    const dto = this.dto;
    if (!dto) return;
    const next = live.kind === 'cell' ? applyCell(dto, live.event) : live.kind === 'row' ? applyRows(dto, live.event) : applyColumns(dto, live.event);
    if (!next) return void this.resnapshot();
    this.dto = next;
    this.changes += 1;
    if (live.kind === 'cell') this.flash(`${live.event.studentId}|${live.event.columnId}`, `${live.event.studentId}|total`);
    if (live.kind === 'row') this.flash(...live.event.rows.map((row) => `${row.student.id}|total`));
  }

  private flash(...keys: string[]): void {
    for (const key of keys) this.flashing.add(key);
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((other) => other !== timer);
      for (const key of keys) this.flashing.delete(key);
    }, FLASH_MS);
    this.timers.push(timer);
  }
}
