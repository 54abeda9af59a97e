import type { AttendanceStatus, AttendanceSuggestionDto, UnmatchedParticipantDto } from '@tp/shared';
import type { ParticipantRow } from './attendance.repository.js';

/** One stay in the meeting by someone, whoever reported it. */
export interface Stay {
  studentId: string;
  source: 'zoom' | 'demo';
  joinedAt: Date;
  /** End of the stay; null while still there (counted up to `now`, at most the lesson's end). */
  leftAt: Date | null;
}

export interface SuggestionInput {
  studentIds: string[];
  /** Lateness is measured from the later of the scheduled start and the meeting's real start. */
  startAt: Date;
  endAt: Date;
  lateAfterMinutes: number;
  stays: Stay[];
  now: Date;
}

const MINUTE = 60_000;

function minutesOf(stays: Array<{ joinedAt: Date; leftAt: Date | null }>, until: Date): number {
  // Overlapping stays (two devices, two sources) count once.
  const spans = stays
    .map((s) => [s.joinedAt.getTime(), Math.max(s.joinedAt.getTime(), (s.leftAt ?? until).getTime())] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = -Infinity;
  for (const [from, to] of spans) {
    const start = Math.max(from, reach);
    if (to > start) total += to - start;
    reach = Math.max(reach, to);
  }
  return Math.round(total / MINUTE);
}

/** joined → present; joined more than N minutes after the start → late; never joined → absent. */
export function suggestStatuses(input: SuggestionInput): AttendanceSuggestionDto[] {
  const until = new Date(Math.min(input.now.getTime(), input.endAt.getTime()));
  const lateFrom = input.startAt.getTime() + input.lateAfterMinutes * MINUTE;
  return input.studentIds.map((studentId) => {
    const stays = input.stays.filter((s) => s.studentId === studentId);
    if (!stays.length) return { studentId, status: 'absent', joinedAt: null, minutes: 0, sources: [] };
    const first = Math.min(...stays.map((s) => s.joinedAt.getTime()));
    const status: AttendanceStatus = first > lateFrom ? 'late' : 'present';
    const sources = [...new Set(stays.map((s) => s.source))].sort();
    return { studentId, status, joinedAt: new Date(first).toISOString(), minutes: minutesOf(stays, until), sources };
  });
}

/** Zoom participants matched to nobody (and not the teacher), one entry per participant. */
export function unmatchedParticipants(rows: ParticipantRow[], until: Date): UnmatchedParticipantDto[] {
  const byKey = new Map<string, ParticipantRow[]>();
  for (const row of rows) {
    if (row.studentId || row.isTeacher) continue;
    byKey.set(row.participantKey, [...(byKey.get(row.participantKey) ?? []), row]);
  }
  return [...byKey.entries()].map(([participantKey, stays]) => ({
    participantKey,
    name: stays[0]!.name,
    email: stays[0]!.email,
    joinedAt: stays[0]!.joinedAt.toISOString(),
    minutes: minutesOf(stays, until),
  }));
}
