import { CATEGORY_KEYS, type CategoryKey, type GradebookColumn } from './types.js';

/** A column on screen: a summary (category %, total, mark) or one gradebook item, by its index in `columns`. */
export type DisplayColumn = { kind: 'summary'; key: CategoryKey | 'total' | 'mark'; band: 'summary' } | { kind: 'item'; index: number; column: GradebookColumn; band: CategoryKey };

export interface Band {
  band: DisplayColumn['band'];
  /** How many of the band's columns are in the rendered window. */
  span: number;
}

/**
 * Summary first (what a teacher looks for), then the items grouped by category, each group in date
 * order as sent. `narrow` (a phone): total and mark lead the summary, so they sit right after the
 * name column instead of off-screen behind the category percentages.
 */
export function displayColumns(columns: readonly GradebookColumn[], withMark: boolean, narrow = false): DisplayColumn[] {
  const final = ['total' as const, ...(withMark ? ['mark' as const] : [])];
  const keys = narrow ? [...final, ...CATEGORY_KEYS] : [...CATEGORY_KEYS, ...final];
  const summary: DisplayColumn[] = keys.map((key) => ({ kind: 'summary', key, band: 'summary' }));
  const items = CATEGORY_KEYS.flatMap((category) =>
    columns.flatMap((column, index): DisplayColumn[] => (column.category === category ? [{ kind: 'item', index, column, band: category }] : [])),
  );
  return [...summary, ...items];
}

export interface GridWindow {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
}

export interface GridMetrics {
  rowHeight: number;
  columnWidth: number;
  /** Width of the sticky name column, which never scrolls out. */
  nameWidth: number;
  overscanRows: number;
  overscanColumns: number;
}

/**
 * The rows and columns to render for a scroll position: what is visible plus an overscan margin, so
 * fast scrolling does not show blanks. Ends are exclusive.
 */
export function gridWindow(scroll: { top: number; left: number }, viewport: { width: number; height: number }, counts: { rows: number; columns: number }, m: GridMetrics): GridWindow {
  const firstRow = Math.floor(scroll.top / m.rowHeight);
  const visibleRows = Math.ceil(viewport.height / m.rowHeight) + 1;
  const firstColumn = Math.floor(scroll.left / m.columnWidth);
  const visibleColumns = Math.ceil(Math.max(0, viewport.width - m.nameWidth) / m.columnWidth) + 1;
  return {
    rowStart: clamp(firstRow - m.overscanRows, counts.rows),
    rowEnd: clamp(firstRow + visibleRows + m.overscanRows, counts.rows),
    colStart: clamp(firstColumn - m.overscanColumns, counts.columns),
    colEnd: clamp(firstColumn + visibleColumns + m.overscanColumns, counts.columns),
  };
}

const clamp = (value: number, count: number) => Math.max(0, Math.min(count, value));

/** Consecutive runs of one band among the rendered columns (the grouped header above them). */
export function bandsOf(visible: readonly DisplayColumn[]): Band[] {
  const bands: Band[] = [];
  for (const column of visible) {
    const last = bands.at(-1);
    if (last && last.band === column.band) last.span += 1;
    else bands.push({ band: column.band, span: 1 });
  }
  return bands;
}
