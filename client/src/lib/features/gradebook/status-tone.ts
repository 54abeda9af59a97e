/**
 * How a cell's status looks. Homework 'backlog' is missed work still open for a late submission from
 * the backlog: until replaced it counts 0, so it looks missed, like 'missed' and an absence.
 */
export type StatusTone = 'excused' | 'missing' | 'late' | 'waiting' | null;

export function statusTone(status: string): StatusTone {
  if (status === 'excused') return 'excused';
  if (status === 'missed' || status === 'backlog' || status === 'absent') return 'missing';
  if (status === 'late') return 'late';
  if (status === 'submitted' || status === 'in_progress') return 'waiting';
  return null;
}

/** Statuses that count 0 points and show it even without a number in the cell. */
export const countsZero = (status: string) => status === 'missed' || status === 'backlog';
