import { describe, expect, it } from 'vitest';
import type { GradebookCellPayload, GradebookColumnPayload, GradebookDto, GradebookRow } from '@tp/shared';
import { applyCell, applyColumns, applyRows } from '../../../client/src/lib/features/gradebook/apply.js';
import { bandsOf, displayColumns, gridWindow } from '../../../client/src/lib/features/gradebook/layout.js';
import { countsZero, statusTone } from '../../../client/src/lib/features/gradebook/status-tone.js';

const none = { attendance: null, homework: null, control: null };
const row = (id: string, name: string, cells: GradebookRow['cells'], total: number | null = null): GradebookRow => ({
  student: { id, name },
  cells,
  categories: { ...none, control: total },
  total,
  mark: null,
});

/** Two students, one counted homework and one control point nobody has a score in yet. */
function table(): GradebookDto {
  return {
    groupId: 'g',
    groupName: 'Group',
    seq: 10,
    generatedAt: '2026-12-01T10:00:00Z',
    categories: [
      { key: 'attendance', weight: 20, effectiveWeight: null },
      { key: 'homework', weight: 30, effectiveWeight: 100 },
      { key: 'control', weight: 50, effectiveWeight: null },
    ],
    scale: null,
    columns: [
      { id: 'hw:1', category: 'homework', title: 'HW', date: null, maxPoints: 10, counted: true },
      { id: 'cp:1', category: 'control', title: 'Exam', date: null, maxPoints: 20, counted: false, weight: 1, kind: 'exam' },
    ],
    rows: [row('a', 'Alpha', [[5, 'graded'], null]), row('b', 'Beta', [[10, 'graded'], null])],
    averages: { columns: [75, null], categories: { ...none, homework: 75 }, total: 75 },
  };
}

describe('live gradebook events applied to a snapshot', () => {
  it('a cell event replaces one cell and that row’s totals, and leaves other rows as the same objects', () => {
    const before = table();
    const event: GradebookCellPayload = {
      groupId: 'g',
      studentId: 'a',
      columnId: 'cp:1',
      columnIndex: 1,
      cell: [15, 'scored'],
      row: { categories: { ...none, homework: 50, control: 75 }, total: 65, mark: '3' },
      averages: { columns: { 'cp:1': 75 }, categories: { attendance: null, homework: 75, control: 75 }, total: 70 },
    };
    const after = applyCell(before, event)!;
    expect(after.rows[0]!.cells).toEqual([[5, 'graded'], [15, 'scored']]);
    expect(after.rows[0]!.total).toBe(65);
    expect(after.rows[1]).toBe(before.rows[1]);
    expect(after.averages).toEqual({ columns: [75, 75], categories: { attendance: null, homework: 75, control: 75 }, total: 70 });
    // The first score makes the control point count, and the weights are normalised over both categories.
    expect(after.columns[1]!.counted).toBe(true);
    expect(after.categories.map((c) => c.effectiveWeight)).toEqual([null, 37.5, 62.5]);
    expect(before.rows[0]!.cells[1]).toBeNull();
  });

  it('a cell event for a column this view does not have asks for a new snapshot; a wrong index hint is looked past', () => {
    const base = { groupId: 'g', studentId: 'b', cell: [20, 'scored'] as [number, string], row: { categories: none, total: null, mark: null } };
    const averages = { columns: {}, categories: none, total: null };
    expect(applyCell(table(), { ...base, columnId: 'cp:404', averages })).toBeNull();
    expect(applyCell(table(), { ...base, columnId: 'cp:1', columnIndex: 0, averages })!.rows[1]!.cells[1]).toEqual([20, 'scored']);
  });

  it('a row event adds a joining student in name order, replaces a changed row and drops one who left', () => {
    const averages = { columns: { 'hw:1': 60 }, categories: { ...none, homework: 60 }, total: 60 };
    const after = applyRows(table(), { groupId: 'g', rows: [row('c', 'Aaron', [[2, 'graded'], null], 20)], removedStudentIds: ['b'], averages });
    expect(after.rows.map((r) => r.student.name)).toEqual(['Aaron', 'Alpha']);
    expect(after.averages.columns).toEqual([60, null]);
  });

  it('a column event takes the new order and rows; rows it does not carry keep their cells under the right columns', () => {
    const before = table();
    const event: GradebookColumnPayload = {
      groupId: 'g',
      columns: [before.columns[1]!, { id: 'att:1', category: 'attendance', title: 'Lesson', date: null, maxPoints: 2, counted: true }, before.columns[0]!],
      removedColumnIds: [],
      order: ['cp:1', 'att:1', 'hw:1'],
      rows: [row('a', 'Alpha', [null, [2, 'present'], [5, 'graded']], 75)],
      categories: before.categories,
      scale: [{ min: 0, mark: '2' }],
      averages: { columns: { 'att:1': 100 }, categories: { attendance: 100, homework: 75, control: null }, total: 80 },
    };
    const after = applyColumns(before, event);
    expect(after.columns.map((c) => c.id)).toEqual(['cp:1', 'att:1', 'hw:1']);
    expect(after.rows[0]!.cells[1]).toEqual([2, 'present']);
    expect(after.rows[1]!.cells).toEqual([null, null, [10, 'graded']]);
    expect(after.averages.columns).toEqual([null, 100, 75]);
    expect(after.scale).toEqual([{ min: 0, mark: '2' }]);
  });
});

describe('the virtual window of the grid', () => {
  const metrics = { rowHeight: 36, columnWidth: 76, nameWidth: 208, overscanRows: 6, overscanColumns: 3 };

  it('renders what is visible plus the overscan, clamped to the table', () => {
    expect(gridWindow({ top: 0, left: 0 }, { width: 1000, height: 720 }, { rows: 300, columns: 205 }, metrics)).toEqual({ rowStart: 0, rowEnd: 27, colStart: 0, colEnd: 15 });
    const deep = gridWindow({ top: 36 * 100, left: 76 * 50 }, { width: 1000, height: 720 }, { rows: 300, columns: 205 }, metrics);
    expect(deep).toEqual({ rowStart: 94, rowEnd: 127, colStart: 47, colEnd: 65 });
    expect(gridWindow({ top: 36 * 299, left: 76 * 204 }, { width: 1000, height: 720 }, { rows: 300, columns: 205 }, metrics)).toMatchObject({ rowEnd: 300, colEnd: 205 });
  });

  it('puts the summary first, then the items grouped by category, and names the bands over the rendered columns', () => {
    const columns = displayColumns(table().columns, true);
    expect(columns.map((c) => (c.kind === 'item' ? c.column.id : c.key))).toEqual(['attendance', 'homework', 'control', 'total', 'mark', 'hw:1', 'cp:1']);
    expect(bandsOf(columns.slice(3))).toEqual([
      { band: 'summary', span: 2 },
      { band: 'homework', span: 1 },
      { band: 'control', span: 1 },
    ]);
    expect(displayColumns([], false).map((c) => (c.kind === 'summary' ? c.key : ''))).toEqual(['attendance', 'homework', 'control', 'total']);
  });
});

describe('how gradebook cells and columns are shown', () => {
  it('homework in the backlog is missed work (0 until replaced), shown like missed and not like a late arrival', () => {
    expect(statusTone('backlog')).toBe('missing');
    expect(statusTone('missed')).toBe('missing');
    expect(statusTone('absent')).toBe('missing');
    expect(statusTone('late')).toBe('late');
    expect(countsZero('backlog')).toBe(true);
    expect(countsZero('graded')).toBe(false);
  });

  it('on a phone total and mark come right after the name column, ahead of the category percentages', () => {
    const keys = (narrow: boolean) => displayColumns(table().columns, true, narrow).map((c) => (c.kind === 'summary' ? c.key : c.column.id));
    expect(keys(false)).toEqual(['attendance', 'homework', 'control', 'total', 'mark', 'hw:1', 'cp:1']);
    expect(keys(true)).toEqual(['total', 'mark', 'attendance', 'homework', 'control', 'hw:1', 'cp:1']);
  });
});
