import { describe, expect, it } from 'vitest';
import type { CalendarEventDto } from '@tp/shared';
import { backLinkFor, recentLessons } from '../../../client/src/lib/features/attendance/navigation.js';

const at = (id: string, startAt: string, status = 'scheduled') => ({ id, startAt, status }) as unknown as CalendarEventDto;

describe('the marking view’s way back and the list of recent lessons', () => {
  it('the back link leads where the view was opened from and names it; opened directly, the attendance list', () => {
    expect(backLinkFor(new URL('http://x/app'))).toEqual({ href: '/app', label: 'attendance.backTo.dashboard' });
    expect(backLinkFor(new URL('http://x/app/calendar?week=2026-11-30'))).toEqual({ href: '/app/calendar?week=2026-11-30', label: 'attendance.backTo.calendar' });
    expect(backLinkFor(new URL('http://x/app/attendance'))).toEqual({ href: '/app/attendance', label: 'attendance.backTo.list' });
    expect(backLinkFor(new URL('http://x/app/gradebook/g1'))).toEqual({ href: '/app/gradebook/g1', label: 'attendance.backTo.previous' });
    expect(backLinkFor(null)).toEqual({ href: '/app/attendance', label: 'attendance.backTo.list' });
  });

  it('started lessons come first, newest first; today’s lessons still ahead are apart, soonest first; cancelled ones are left out', () => {
    const now = Date.parse('2026-12-02T09:00:00Z');
    const events = [
      at('old', '2026-11-30T08:00:00Z'),
      at('morning', '2026-12-02T08:10:00Z'),
      at('cancelled', '2026-12-01T08:00:00Z', 'cancelled'),
      at('evening', '2026-12-02T17:00:00Z'),
      at('noon', '2026-12-02T12:00:00Z'),
      at('yesterday', '2026-12-01T10:00:00Z'),
    ];
    const { started, upcoming } = recentLessons(events, now);
    expect(started.map((e) => e.id)).toEqual(['morning', 'yesterday', 'old']);
    expect(upcoming.map((e) => e.id)).toEqual(['noon', 'evening']);
  });
});
