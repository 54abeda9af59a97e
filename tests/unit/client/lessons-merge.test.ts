import { describe, expect, it } from 'vitest';
import type { CalendarEventDto } from '@tp/shared';
import { mergeChange } from '../../../client/src/lib/features/lessons/merge.js';

const lesson = (id: string, startAt: string, title = id): CalendarEventDto => ({
  id,
  title,
  groupId: '00000000-0000-4000-8000-000000000001',
  groupName: 'B1',
  teacherId: '00000000-0000-4000-8000-000000000002',
  teacherName: 'Anna',
  startAt,
  endAt: new Date(Date.parse(startAt) + 3_600_000).toISOString(),
  status: 'scheduled',
  stored: true,
  ruleId: null,
  occurrenceDate: null,
  weekType: null,
  live: false,
});

describe('applying calendar:changed to the upcoming list', () => {
  const from = Date.parse('2026-01-15T00:00:00Z');
  const to = Date.parse('2026-01-22T00:00:00Z');

  it('replaces changed lessons, drops removed ones and ones moved out of the window, keeps start order', () => {
    const list = [lesson('a', '2026-01-16T10:00:00.000Z'), lesson('b', '2026-01-17T10:00:00.000Z'), lesson('c', '2026-01-18T10:00:00.000Z')];
    const merged = mergeChange(
      list,
      { events: [lesson('b', '2026-01-15T08:00:00.000Z', 'moved'), lesson('c', '2026-02-01T10:00:00.000Z'), lesson('d', '2026-01-19T10:00:00.000Z')], removedIds: ['a'] },
      from,
      to,
    );
    expect(merged.map((event) => [event.id, event.title])).toEqual([
      ['b', 'moved'],
      ['d', 'd'],
    ]);
  });
});
