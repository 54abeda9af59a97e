import { describe, expect, it } from 'vitest';
import { firstClash, firstOverlap } from '../../../server/src/modules/schedule/conflicts.js';

const H = 3_600_000;
const item = (id: string, startH: number, endH: number) => ({ id, title: id, startAt: new Date(startH * H), endAt: new Date(endH * H) });
const span = (startH: number, endH: number) => ({ startAt: new Date(startH * H), endAt: new Date(endH * H) });

describe('firstClash', () => {
  const busy = [item('long', 0, 6), item('a', 1, 2), item('b', 7, 8), item('c', 10, 10.5)];

  it('finds an overlap with a long item that started well before the candidate', () => {
    expect(firstClash([span(5, 5.5)], busy)?.id).toBe('long');
  });

  it('treats touching intervals as free and reports the first clashing item', () => {
    expect(firstClash([span(6, 7)], busy)).toBeNull();
    expect(firstClash([span(8, 10)], busy)).toBeNull();
    expect(firstClash([span(6, 7), span(7.5, 9)], busy)?.id).toBe('b');
    expect(firstClash([span(9, 12)], busy)?.id).toBe('c');
  });

  it('answers null for no busy time or no candidates', () => {
    expect(firstClash([span(0, 1)], [])).toBeNull();
    expect(firstClash([], busy)).toBeNull();
  });
});

describe('firstOverlap', () => {
  it('names the later item of the first overlapping pair, reaching past short items to a long one', () => {
    expect(firstOverlap([item('long', 0, 6), item('a', 1, 2)])?.id).toBe('a');
    expect(firstOverlap([item('long', 0, 6), item('a', 6, 7), item('b', 6.5, 8)])?.id).toBe('b');
    expect(firstOverlap([item('x', 0, 1), item('y', 1, 2), item('z', 2, 3)])).toBeNull();
    expect(firstOverlap([])).toBeNull();
  });
});
