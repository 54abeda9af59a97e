import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { academicYearEnd, defaultAnchor, followingChange, fromLocalInput, toLocalInput, wallClock, weekParity } from '../../../client/src/lib/features/calendar/time.js';
import { dayNumber, weekParity as serverParity } from '../../../server/src/modules/schedule/expand.js';

describe('calendar time helpers of the client', () => {
  it('labels weeks upper/lower exactly as the server expands rules, with and without an anchor', () => {
    const anchors = [null, '2025-09-01', '2026-01-14', '2026-11-16', '2024-09-07'];
    let date = DateTime.fromISO('2025-08-20', { zone: 'UTC' });
    for (let i = 0; i < 500; i += 3, date = date.plus({ days: 3 })) {
      const iso = date.toISODate()!;
      for (const anchor of anchors) expect(weekParity(iso, anchor), `${iso} / ${anchor}`).toBe(serverParity(dayNumber(iso), anchor));
    }
  });

  it('the anchor week is upper, the next lower, the previous lower', () => {
    expect(weekParity('2026-11-18', '2026-11-16')).toBe('UPPER');
    expect(weekParity('2026-11-23', '2026-11-16')).toBe('LOWER');
    expect(weekParity('2026-11-15', '2026-11-16')).toBe('LOWER');
    expect(defaultAnchor('2026-03-10')).toBe('2025-09-01');
    expect(defaultAnchor('2026-09-01')).toBe('2026-09-01');
    expect(academicYearEnd('2026-11-20')).toBe('2027-06-30');
  });

  it('reads and writes datetime inputs in the viewer zone and finds a rule wall clock in its own zone', () => {
    expect(toLocalInput('2026-03-29T16:00:00Z', 'Europe/Berlin')).toBe('2026-03-29T18:00');
    expect(fromLocalInput('2026-03-29T18:00', 'Europe/Berlin')).toBe('2026-03-29T16:00:00.000Z');
    expect(fromLocalInput('not a date', 'Europe/Berlin')).toBeNull();
    // Berlin moved to summer time that morning: 15:00 UTC is 17:00 there, a Sunday.
    expect(wallClock('2026-03-29T15:00:00Z', 'Europe/Berlin')).toEqual({ dayOfWeek: 7, time: '17:00', date: '2026-03-29' });
    expect(wallClock('2026-11-16T21:30:00Z', 'Europe/Moscow')).toEqual({ dayOfWeek: 2, time: '00:30', date: '2026-11-17' });
  });

  it('"this and following" splits at the occurrence, or where it moves when that is earlier', () => {
    const rule = { startDate: '2026-09-04', timezone: 'Europe/Moscow' };
    const friday = { occurrenceDate: '2026-11-20', startAt: '2026-11-20T12:00:00Z' };
    expect(followingChange(friday, '2026-11-21', rule)).toEqual({ fromDate: '2026-11-20' });
    expect(followingChange(friday, '2026-11-19', rule)).toEqual({ fromDate: '2026-11-19' });
    // From the very first lesson: the whole series changes, starting where the lesson went.
    expect(followingChange(friday, '2026-11-19', { ...rule, startDate: '2026-11-20' })).toEqual({ startDate: '2026-11-19' });
    expect(followingChange({ occurrenceDate: null, startAt: '2026-11-20T21:30:00Z' }, '2026-11-23', rule)).toEqual({ fromDate: '2026-11-21' });
  });
});
