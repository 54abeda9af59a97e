/** Pure interval arithmetic for occupancy charts and forecasts (epoch milliseconds). */
export interface Interval {
  start: number;
  end: number;
}

export interface Segment {
  start: number;
  end: number;
  /** Intervals covering the whole segment. */
  count: number;
  members: number[];
}

/** Splits the timeline into maximal segments of constant coverage (only covered ones are returned). */
export function coverage(intervals: Interval[]): Segment[] {
  const points: Array<{ at: number; delta: 1 | -1; index: number }> = [];
  intervals.forEach((interval, index) => {
    if (interval.end <= interval.start) return;
    points.push({ at: interval.start, delta: 1, index }, { at: interval.end, delta: -1, index });
  });
  // Ends before starts at the same instant: back-to-back lessons do not overlap.
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const open = new Set<number>();
  const segments: Segment[] = [];
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    if (point.delta === 1) open.add(point.index);
    else open.delete(point.index);
    const next = points[i + 1];
    if (next && next.at > point.at && open.size > 0) {
      segments.push({ start: point.at, end: next.at, count: open.size, members: [...open] });
    }
  }
  return segments;
}

/** Average coverage (covered time / bucket length) and peak coverage per bucket of [from, to). */
export function bucketise(intervals: Interval[], from: number, to: number, bucketMs: number): Array<{ at: number; busy: number; peak: number }> {
  const segments = coverage(intervals);
  const buckets: Array<{ at: number; busy: number; peak: number }> = [];
  for (let at = from; at < to; at += bucketMs) buckets.push({ at, busy: 0, peak: 0 });
  for (const segment of segments) {
    const first = Math.max(0, Math.floor((segment.start - from) / bucketMs));
    const last = Math.min(buckets.length - 1, Math.floor((segment.end - 1 - from) / bucketMs));
    for (let i = first; i <= last; i++) {
      const bucket = buckets[i]!;
      const overlap = Math.min(segment.end, bucket.at + bucketMs) - Math.max(segment.start, bucket.at);
      if (overlap <= 0) continue;
      bucket.busy += (overlap / bucketMs) * segment.count;
      bucket.peak = Math.max(bucket.peak, segment.count);
    }
  }
  return buckets.map((b) => ({ ...b, busy: Math.round(b.busy * 100) / 100 }));
}

/** How many intervals cover the instant `at` (sorted by start). */
export function coveredAt(segments: Segment[], at: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const segment = segments[mid]!;
    if (at < segment.start) high = mid - 1;
    else if (at >= segment.end) low = mid + 1;
    else return segment.count;
  }
  return 0;
}
