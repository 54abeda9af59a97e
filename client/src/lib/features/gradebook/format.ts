import { locale, t, type MessageKey } from '$lib/i18n/i18n.svelte.js';
import { countsZero, statusTone } from './status-tone.js';
import type { GradebookCell, GradebookColumn } from './types.js';

/** Points without trailing zeros: 2, 1.5, 7.25. */
export function points(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return new Intl.NumberFormat(locale() === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 2 }).format(value);
}

/** A percentage as shown in the table: one decimal, no sign (the header says %). */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale() === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 }).format(value);
}

/** A percentage with its sign, or a dash. */
export function percentSign(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${percent(value)}%`;
}

/** What a cell shows: its points, or a sign for a state without points. */
export function cellText(cell: GradebookCell | null | undefined): string {
  if (!cell) return '';
  const [value, status] = cell;
  if (status === 'excused' && value === null) return '—';
  if (value !== null) return points(value);
  if (status === 'submitted') return '…';
  if (status === 'in_progress') return '·';
  if (countsZero(status)) return '0';
  return '';
}

/**
 * The cell's look: excused (hatched), missed/absent/in the backlog (red), late (amber), waiting for a grade
 * (dotted), in a column not yet counted (faded).
 */
export function cellTone(column: GradebookColumn, cell: GradebookCell | null | undefined): string {
  const tones: string[] = [];
  if (!column.counted) tones.push('uncounted');
  if (cell) {
    const tone = statusTone(cell[1]);
    if (tone) tones.push(tone);
    else if (cell[0] !== null && column.maxPoints > 0 && cell[0] >= column.maxPoints) tones.push('full');
  }
  return tones.join(' ');
}

/** The cell's tooltip: status in words, points of max, the comment. */
export function cellTitle(column: GradebookColumn, cell: GradebookCell | null | undefined): string {
  const parts = [column.title];
  if (cell) {
    parts.push(statusLabel(cell[1]));
    if (cell[0] !== null) parts.push(`${points(cell[0])} / ${points(column.maxPoints)}`);
    if (cell[2]) parts.push(cell[2]);
  }
  if (!column.counted) parts.push(t('gradebook.notCounted'));
  return parts.join(' · ');
}

export function statusLabel(status: string): string {
  return t(`gradebook.status.${status}` as MessageKey);
}
