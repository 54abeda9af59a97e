/** A lease as an interval in milliseconds; `end` null while it is still held. */
export interface LeaseSpan {
  id: string;
  start: number;
  end: number | null;
}

export interface Bucket {
  /** Bucket start, ms since epoch. */
  at: number;
  /** Most rooms in use at once within the bucket. */
  peak: number;
  /** Time-weighted average of rooms in use over the bucket. */
  average: number;
}

/**
 * Occupancy per bucket over [from, to): a sweep over lease starts and ends, so the cost is one sort
 * plus one pass, whatever the number of buckets.
 */
export function occupancy(spans: LeaseSpan[], from: number, to: number, bucketMs: number, now = Date.now()): Bucket[] {
  const edges: Array<[number, number]> = [];
  for (const span of spans) {
    const end = Math.min(span.end ?? now, to);
    const start = Math.max(span.start, from);
    if (end <= start) continue;
    edges.push([start, 1], [end, -1]);
  }
  // Ends before starts at the same instant: a room handed over is not counted twice.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  const buckets: Bucket[] = [];
  let level = 0;
  let i = 0;
  for (let at = from; at < to; at += bucketMs) {
    const bucketEnd = Math.min(at + bucketMs, to);
    // Whatever starts or ends exactly at the bucket's start is the bucket's opening level.
    while (i < edges.length && edges[i]![0] <= at) level += edges[i++]![1];
    let peak = level;
    let weighted = 0;
    let cursor = at;
    while (i < edges.length && edges[i]![0] < bucketEnd) {
      const [time, delta] = edges[i]!;
      weighted += level * (time - cursor);
      cursor = time;
      level += delta;
      peak = Math.max(peak, level);
      i += 1;
    }
    weighted += level * (bucketEnd - cursor);
    buckets.push({ at, peak, average: weighted / (bucketEnd - at) });
  }
  return buckets;
}

/**
 * Saturation by hour of the week: for every (weekday, hour) cell, the average share of the pool's
 * capacity in use. Monday first; weekdays and hours in the viewer's timezone.
 */
export function hourOfWeek(hourly: Bucket[], capacity: number): number[][] {
  const sums = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const counts = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const bucket of hourly) {
    const date = new Date(bucket.at);
    const day = (date.getDay() + 6) % 7;
    const hour = date.getHours();
    sums[day]![hour]! += capacity > 0 ? Math.min(1, bucket.average / capacity) : 0;
    counts[day]![hour]! += 1;
  }
  return sums.map((row, day) => row.map((sum, hour) => (counts[day]![hour]! ? sum / counts[day]![hour]! : 0)));
}

/**
 * History as read earlier, brought up to date with the live view: leases held now are open, and an
 * open lease the live view no longer shows was released by `changedAt` (the change that dropped it).
 */
export function withLive(history: LeaseSpan[], live: Array<{ id: string; start: number }>, changedAt: number): LeaseSpan[] {
  const held = new Map(live.map((lease) => [lease.id, lease]));
  const out = history.map((span) => (span.end === null && !held.has(span.id) ? { ...span, end: Math.max(span.start, changedAt) } : span));
  const known = new Set(history.map((span) => span.id));
  for (const lease of live) if (!known.has(lease.id)) out.push({ id: lease.id, start: lease.start, end: null });
  return out;
}
