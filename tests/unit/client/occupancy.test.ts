import { describe, expect, it } from 'vitest';
import { hourOfWeek, occupancy, withLive } from '../../../client/src/lib/features/pool/occupancy.js';

const H = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 16, 0, 0); // a Monday, 00:00 UTC

describe('pool occupancy from lease history', () => {
  it('counts the peak and the time-weighted average per bucket, clipping leases to the window', () => {
    const spans = [
      { id: String(Math.random()), start: T0 - H, end: T0 + H / 2 }, // began before the window
      { id: String(Math.random()), start: T0 + H / 4, end: T0 + 2 * H },
      { id: String(Math.random()), start: T0 + 3 * H, end: null }, // still held: runs until now
    ];
    const buckets = occupancy(spans, T0, T0 + 4 * H, H, T0 + 3.5 * H);
    expect(buckets.map((b) => b.peak)).toEqual([2, 1, 0, 1]);
    expect(buckets[0]!.average).toBeCloseTo(0.5 + 0.75);
    expect(buckets[1]!.average).toBeCloseTo(1);
    expect(buckets[2]!.average).toBe(0);
    expect(buckets[3]!.average).toBeCloseTo(0.5);
  });

  it('does not count a room handed over at the same instant twice', () => {
    const spans = [
      { id: String(Math.random()), start: T0, end: T0 + H },
      { id: String(Math.random()), start: T0 + H, end: T0 + 2 * H },
    ];
    expect(occupancy(spans, T0, T0 + 2 * H, 2 * H, T0 + 3 * H)[0]!.peak).toBe(1);
  });

  it('ignores leases outside the window and empty ones', () => {
    const spans = [
      { id: String(Math.random()), start: T0 - 3 * H, end: T0 - 2 * H },
      { id: String(Math.random()), start: T0 + H, end: T0 + H },
    ];
    expect(occupancy(spans, T0, T0 + 2 * H, H).every((b) => b.peak === 0 && b.average === 0)).toBe(true);
  });

  it('maps hourly buckets to an hour-of-week saturation grid, Monday first', () => {
    const hourly = occupancy([{ id: String(Math.random()), start: T0 + 10 * H, end: T0 + 11 * H }], T0, T0 + 24 * H, H, T0 + 48 * H);
    const grid = hourOfWeek(hourly, 2);
    const monday = (new Date(T0).getDay() + 6) % 7;
    const hour = new Date(T0 + 10 * H).getHours();
    expect(grid).toHaveLength(7);
    expect(grid[monday]![hour]).toBeCloseTo(0.5);
    expect(grid.flat().filter((share) => share > 0)).toHaveLength(1);
  });

  it('brings read history up to date with the live view: new leases open, dropped ones closed at the change', () => {
    const history = [
      { id: 'a', start: T0, end: T0 + H },
      { id: 'b', start: T0 + H, end: null },
      { id: 'c', start: T0 + 2 * H, end: null },
    ];
    const merged = withLive(history, [{ id: 'c', start: T0 + 2 * H }, { id: 'd', start: T0 + 3 * H }], T0 + 4 * H);
    expect(merged).toEqual([
      { id: 'a', start: T0, end: T0 + H },
      { id: 'b', start: T0 + H, end: T0 + 4 * H },
      { id: 'c', start: T0 + 2 * H, end: null },
      { id: 'd', start: T0 + 3 * H, end: null },
    ]);
  });
});
