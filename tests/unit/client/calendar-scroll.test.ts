import { describe, expect, it } from 'vitest';
import type { CalendarEventDto } from '@tp/shared';
import { firstLessonTime } from '../../../client/src/lib/features/calendar/events.js';

const lesson = (startAt: string, endAt: string) => ({ startAt, endAt }) as CalendarEventDto;
// The week of Monday 2026-12-07 in Moscow (UTC+3).
const from = new Date('2026-12-06T21:00:00Z');
const to = new Date('2026-12-13T21:00:00Z');

describe('where the time grid opens', () => {
  it('half an hour before the earliest wall-clock start of the week, on the hour', () => {
    const events = [lesson('2026-12-08T03:00:00Z', '2026-12-08T04:00:00Z'), lesson('2026-12-09T20:30:00Z', '2026-12-09T21:30:00Z')];
    // 06:00 and 23:30 in Moscow: opens at 05:00.
    expect(firstLessonTime(events, from, to, 'Europe/Moscow')).toBe('05:00:00');
    // The same instants in Novosibirsk (UTC+7): 10:00 and 03:30 → opens at 03:00.
    expect(firstLessonTime(events, from, to, 'Asia/Novosibirsk')).toBe('03:00:00');
  });

  it('ignores lessons outside the range; a lesson from the evening before counts from midnight; none → null', () => {
    expect(firstLessonTime([lesson('2026-12-14T06:00:00Z', '2026-12-14T07:00:00Z')], from, to, 'Europe/Moscow')).toBeNull();
    expect(firstLessonTime([lesson('2026-12-06T20:30:00Z', '2026-12-06T21:30:00Z')], from, to, 'Europe/Moscow')).toBe('00:00:00');
    expect(firstLessonTime([lesson('2026-12-10T07:40:00Z', '2026-12-10T08:40:00Z')], from, to, 'Europe/Moscow')).toBe('10:00:00');
    expect(firstLessonTime([], from, to, 'Europe/Moscow')).toBeNull();
  });
});
