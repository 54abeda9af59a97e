import type { EventMeta } from '@tp/shared';

type GapHandler = (room: string) => void;

/**
 * Per-room sequence tracking. The server numbers every room-scoped event (`meta.seq`); a view that
 * registers a room gets `onGap` when a number was skipped, and reloads its snapshot.
 */
const tracked = new Map<string, { last: number | null; handlers: Set<GapHandler> }>();

export function trackRoom(room: string, onGap: GapHandler): () => void {
  let entry = tracked.get(room);
  if (!entry) tracked.set(room, (entry = { last: null, handlers: new Set() }));
  entry.handlers.add(onGap);
  const current = entry;
  return () => {
    current.handlers.delete(onGap);
    if (current.handlers.size === 0) tracked.delete(room);
  };
}

/**
 * Feeds one event's meta in. Returns false for a stale or duplicate event (seq not above the last
 * seen) so the caller can drop it.
 */
export function observeSeq(meta: EventMeta | undefined): boolean {
  if (!meta) return true;
  const entry = tracked.get(meta.room);
  if (!entry) return true;
  const last = entry.last;
  if (last !== null && meta.seq <= last) return false;
  entry.last = meta.seq;
  if (last !== null && meta.seq > last + 1) for (const handler of entry.handlers) handler(meta.room);
  return true;
}

/** Forget what was seen (after a reconnect the view reloads anyway; numbering restarts from what comes next). */
export function resetSeq(room?: string, seq: number | null = null): void {
  if (room) {
    const entry = tracked.get(room);
    if (entry) entry.last = seq;
    return;
  }
  for (const entry of tracked.values()) entry.last = null;
}
