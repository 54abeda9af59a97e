import { describe, expect, it } from 'vitest';
import { suggestStatuses, unmatchedParticipants } from '../../../server/src/modules/attendance/suggestions.js';

const START = new Date('2026-03-02T09:00:00Z');
const END = new Date('2026-03-02T10:30:00Z');
const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000);
const base = { studentIds: ['a'], startAt: START, endAt: END, lateAfterMinutes: 10, now: at(120) };

describe('attendance suggestions', () => {
  it('late only when the first join is more than N minutes after the start', () => {
    const statusAt = (minutes: number) => suggestStatuses({ ...base, stays: [{ studentId: 'a', source: 'zoom', joinedAt: at(minutes), leftAt: at(80) }] })[0]!.status;
    expect(statusAt(-5)).toBe('present');
    expect(statusAt(10)).toBe('present');
    expect(statusAt(10.5)).toBe('late');
    expect(suggestStatuses({ ...base, lateAfterMinutes: 0, stays: [{ studentId: 'a', source: 'demo', joinedAt: at(1), leftAt: null }] })[0]!.status).toBe('late');
  });

  it('never joined → absent; minutes count overlapping stays once and an open stay up to the lesson end or now', () => {
    const [a, b] = suggestStatuses({
      ...base,
      studentIds: ['a', 'b'],
      now: at(60),
      stays: [
        { studentId: 'a', source: 'zoom', joinedAt: at(0), leftAt: at(30) },
        { studentId: 'a', source: 'zoom', joinedAt: at(20), leftAt: at(40) },
        { studentId: 'a', source: 'demo', joinedAt: at(50), leftAt: null },
      ],
    });
    expect(a).toEqual({ studentId: 'a', status: 'present', joinedAt: at(0).toISOString(), minutes: 50, sources: ['demo', 'zoom'] });
    expect(b).toEqual({ studentId: 'b', status: 'absent', joinedAt: null, minutes: 0, sources: [] });
    const afterEnd = suggestStatuses({ ...base, now: at(500), stays: [{ studentId: 'a', source: 'demo', joinedAt: at(0), leftAt: null }] });
    expect(afterEnd[0]!.minutes).toBe(90);
  });

  it('lists each unmatched participant once, never the teacher or a matched student', () => {
    const row = (participantKey: string, extra: Partial<Parameters<typeof unmatchedParticipants>[0][number]> = {}) => ({
      participantKey,
      name: participantKey,
      email: null,
      joinedAt: at(0),
      leftAt: at(10),
      studentId: null,
      assigned: false,
      isTeacher: false,
      ...extra,
    });
    const list = unmatchedParticipants(
      [row('guest'), row('guest', { joinedAt: at(20), leftAt: at(25) }), row('teacher', { isTeacher: true }), row('known', { studentId: 's1' })],
      at(60),
    );
    expect(list).toEqual([{ participantKey: 'guest', name: 'guest', email: null, joinedAt: at(0).toISOString(), minutes: 15 }]);
  });
});
