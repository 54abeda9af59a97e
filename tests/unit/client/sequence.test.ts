import { afterEach, describe, expect, it } from 'vitest';
import { observeSeq, resetSeq, trackRoom } from '../../../client/src/lib/api/sequence.js';

const stops: Array<() => void> = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

function watch(room: string) {
  const gaps: string[] = [];
  stops.push(trackRoom(room, (gapRoom) => gaps.push(gapRoom)));
  return gaps;
}

describe('per-room sequence tracking', () => {
  it('asks for a resync when a number is skipped, not when they follow each other', () => {
    const gaps = watch('admin:pool');
    expect([1, 2, 3].map((seq) => observeSeq({ room: 'admin:pool', seq }))).toEqual([true, true, true]);
    expect(gaps).toEqual([]);
    expect(observeSeq({ room: 'admin:pool', seq: 5 })).toBe(true);
    expect(gaps).toEqual(['admin:pool']);
  });

  it('drops duplicates and stale events', () => {
    watch('group:a');
    observeSeq({ room: 'group:a', seq: 7 });
    expect(observeSeq({ room: 'group:a', seq: 7 })).toBe(false);
    expect(observeSeq({ room: 'group:a', seq: 6 })).toBe(false);
    expect(observeSeq({ room: 'group:a', seq: 8 })).toBe(true);
  });

  it('starts afresh after a reset (a reconnect), so the first number seen is the new base', () => {
    const gaps = watch('teacher:t');
    observeSeq({ room: 'teacher:t', seq: 3 });
    resetSeq();
    expect(observeSeq({ room: 'teacher:t', seq: 40 })).toBe(true);
    expect(gaps).toEqual([]);
  });

  it('passes events of rooms nobody tracks and events without meta', () => {
    expect(observeSeq({ room: 'user:x', seq: 10 })).toBe(true);
    expect(observeSeq({ room: 'user:x', seq: 10 })).toBe(true);
    expect(observeSeq(undefined)).toBe(true);
  });
});
