import type { GradebookAveragesPatch, GradebookCellPayload, GradebookColumnPayload, GradebookRowPayload } from '@tp/shared';
import { effectiveWeights } from '@tp/shared/gradebook/calc';
import type { CategoryKey, GradebookColumn, GradebookDto, GradebookRow } from './types.js';

/*
 * Applying one live event to a snapshot, immutably: only the touched row (and the arrays that hold
 * it) are copied, so a change costs O(columns + rows), never O(rows × columns).
 * A function returns null when the event cannot be applied here (an unknown column): the view then
 * loads a new snapshot.
 */

export function applyCell(dto: GradebookDto, event: GradebookCellPayload): GradebookDto | null {
  const index = columnIndexOf(dto, event.columnId, event.columnIndex);
  if (index < 0) return null;
  const at = dto.rows.findIndex((row) => row.student.id === event.studentId);
  const rows = [...dto.rows];
  if (at >= 0) {
    const cells = [...rows[at]!.cells];
    cells[index] = event.cell;
    rows[at] = { ...rows[at]!, cells, ...event.row };
  }
  return withAverages({ ...dto, rows }, event.averages);
}

export function applyRows(dto: GradebookDto, event: GradebookRowPayload): GradebookDto {
  const removed = new Set(event.removedStudentIds);
  const changed = new Map(event.rows.map((row) => [row.student.id, row]));
  const kept = dto.rows.filter((row) => !removed.has(row.student.id)).map((row) => changed.get(row.student.id) ?? row);
  const known = new Set(kept.map((row) => row.student.id));
  const added = event.rows.filter((row) => !known.has(row.student.id) && !removed.has(row.student.id));
  return withAverages({ ...dto, rows: added.length ? sortRows([...kept, ...added]) : kept }, event.averages);
}

/**
 * Columns added, changed or removed, or new settings: the event carries the whole column list in
 * table order and every row recomputed; a row it does not carry keeps its cells moved to the new order.
 */
export function applyColumns(dto: GradebookDto, event: GradebookColumnPayload): GradebookDto {
  const columns: GradebookColumn[] = event.columns;
  const oldIndex = new Map(dto.columns.map((column, index) => [column.id, index]));
  const moved = columns.map((column) => oldIndex.get(column.id) ?? -1);
  const sent = new Map(event.rows.map((row) => [row.student.id, row]));
  const rows = dto.rows.map((row) => sent.get(row.student.id) ?? { ...row, cells: moved.map((index) => (index >= 0 ? (row.cells[index] ?? null) : null)) });
  const known = new Set(dto.rows.map((row) => row.student.id));
  const added = event.rows.filter((row) => !known.has(row.student.id));
  const previous = { ...dto.averages, columns: moved.map((index) => (index >= 0 ? (dto.averages.columns[index] ?? null) : null)) };
  return withAverages({ ...dto, columns, rows: added.length ? sortRows([...rows, ...added]) : rows, categories: event.categories, scale: event.scale, averages: previous }, event.averages);
}

/**
 * Live events name only the column averages that moved (by column id); the rest stay. A column counts
 * exactly when it has an average (as the server decides it), so a first grade turns a column on and
 * the categories' effective weights follow.
 */
export function withAverages(dto: GradebookDto, patch: GradebookAveragesPatch): GradebookDto {
  const moved = dto.columns.some((column) => column.id in patch.columns);
  if (!moved) return { ...dto, averages: { ...dto.averages, categories: patch.categories, total: patch.total } };
  const averages = dto.columns.map((column, index) => (column.id in patch.columns ? (patch.columns[column.id] ?? null) : (dto.averages.columns[index] ?? null)));
  let flipped = false;
  const columns = dto.columns.map((column, index) => {
    const counted = averages[index] !== null;
    if (counted === column.counted) return column;
    flipped = true;
    return { ...column, counted };
  });
  return {
    ...dto,
    columns: flipped ? columns : dto.columns,
    categories: flipped ? reweigh(dto.categories, columns) : dto.categories,
    averages: { columns: averages, categories: patch.categories, total: patch.total },
  };
}

function reweigh(categories: GradebookDto['categories'], columns: readonly GradebookColumn[]): GradebookDto['categories'] {
  const weights = Object.fromEntries(categories.map((c) => [c.key, c.weight])) as Record<CategoryKey, number>;
  const present = Object.fromEntries(categories.map((c) => [c.key, columns.some((column) => column.category === c.key && column.counted)])) as Record<CategoryKey, boolean>;
  const effective = effectiveWeights(weights, present);
  return categories.map((c) => ({ ...c, effectiveWeight: effective[c.key] }));
}

function columnIndexOf(dto: GradebookDto, id: string, hint: number | undefined): number {
  if (hint !== undefined && dto.columns[hint]?.id === id) return hint;
  return dto.columns.findIndex((column) => column.id === id);
}

export function sortRows(rows: GradebookRow[]): GradebookRow[] {
  return rows.sort((a, b) => a.student.name.localeCompare(b.student.name));
}
