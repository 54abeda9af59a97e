import { CATEGORY_KEYS, type CategoryKey } from './constants.js';
import type { GradebookCell } from '../schemas/gradebook.js';

/*
 * The gradebook's arithmetic, pure and shared so the server's numbers and the browser's live
 * recomputation agree to the last digit. Percentages are 0..100, rounded to two decimals only on the
 * way out (a total is computed from unrounded category percentages).
 */

export type CategoryPercents = Record<CategoryKey, number | null>;
export type CategoryWeightMap = Record<CategoryKey, number>;
export interface ScaleStep {
  min: number;
  mark: string;
}
/** What the calculation needs of a column. */
export interface CalcColumn {
  category: CategoryKey;
  maxPoints: number;
  /** Control points: weight inside the category (default 1). */
  weight?: number;
  /** false: the column is left out (not yet due, nothing graded). */
  counted: boolean;
}
export interface RowResult {
  categories: CategoryPercents;
  total: number | null;
  mark: string | null;
}

export const round2 = (value: number): number => Math.round(value * 100) / 100;
const roundOrNull = (value: number | null): number | null => (value === null ? null : round2(value));

/**
 * A cell's share of its column (0..1), or null when it is left out: empty, not yet graded (no
 * points), or an excused homework / control point. Attendance "excused" earns its configured points.
 */
export function cellFraction(column: CalcColumn, cell: GradebookCell | null | undefined): number | null {
  if (!cell || !column.counted) return null;
  const [points, status] = cell;
  if (points === null || !(column.maxPoints > 0)) return null;
  if (status === 'excused' && column.category !== 'attendance') return null;
  return points / column.maxPoints;
}

/** Category percentages of one row (cells aligned with columns), unrounded. */
function categoryFractions(columns: readonly CalcColumn[], cells: ReadonlyArray<GradebookCell | null>): CategoryPercents {
  let attPoints = 0;
  let attMax = 0;
  let hwSum = 0;
  let hwCount = 0;
  let cpSum = 0;
  let cpWeight = 0;
  let cpCount = 0;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const fraction = cellFraction(column, cells[i]);
    if (fraction === null) continue;
    if (column.category === 'attendance') {
      attPoints += cells[i]![0]!;
      attMax += column.maxPoints;
    } else if (column.category === 'homework') {
      hwSum += fraction;
      hwCount++;
    } else {
      const weight = column.weight ?? 1;
      cpSum += fraction * weight;
      cpWeight += weight;
      cpCount++;
    }
  }
  return {
    attendance: attMax > 0 ? (attPoints / attMax) * 100 : null,
    homework: hwCount > 0 ? (hwSum / hwCount) * 100 : null,
    // every counted control point weighted 0: nothing to average, like an empty category
    control: cpCount > 0 && cpWeight > 0 ? (cpSum / cpWeight) * 100 : null,
  };
}

/** Σ category% × weight / Σ weight over categories with a percentage; null if none carries weight. */
export function weightedTotal(categories: CategoryPercents, weights: CategoryWeightMap): number | null {
  let sum = 0;
  let weightSum = 0;
  for (const key of CATEGORY_KEYS) {
    const value = categories[key];
    if (value === null || !(weights[key] > 0)) continue;
    sum += value * weights[key];
    weightSum += weights[key];
  }
  return weightSum > 0 ? sum / weightSum : null;
}

/** The first step (ordered by `min` descending) the total reaches; null without a scale or a total. */
export function markFor(total: number | null, scale: readonly ScaleStep[] | null): string | null {
  if (total === null || !scale) return null;
  const rounded = round2(total);
  const steps = [...scale].sort((a, b) => b.min - a.min);
  return steps.find((step) => rounded >= step.min)?.mark ?? null;
}

/** One student's category percentages, weighted total and mark. */
export function computeRow(
  columns: readonly CalcColumn[],
  cells: ReadonlyArray<GradebookCell | null>,
  weights: CategoryWeightMap,
  scale: readonly ScaleStep[] | null,
): RowResult {
  const fractions = categoryFractions(columns, cells);
  const total = weightedTotal(fractions, weights);
  return {
    categories: { attendance: roundOrNull(fractions.attendance), homework: roundOrNull(fractions.homework), control: roundOrNull(fractions.control) },
    total: roundOrNull(total),
    mark: markFor(total, scale),
  };
}

/** Weights normalised to 100 over the categories that have any counted column; null for the others. */
export function effectiveWeights(weights: CategoryWeightMap, present: Record<CategoryKey, boolean>): CategoryPercents {
  const sum = CATEGORY_KEYS.reduce((acc, key) => acc + (present[key] ? weights[key] : 0), 0);
  const result = {} as CategoryPercents;
  for (const key of CATEGORY_KEYS) result[key] = present[key] && sum > 0 ? round2((weights[key] / sum) * 100) : null;
  return result;
}

/**
 * Averages are taken over percentages in whole hundredths (a cell's percentage rounded to two
 * decimals first): integer sums are exact, so a server that keeps running sums and moves them by
 * each change lands on the very number a full recomputation gives.
 */
export const toHundredths = (percent: number): number => Math.round(percent * 100);
/** The mean of `n` percentages whose hundredths add up to `sumHundredths`, to two decimals; null for none. */
export const averageFromHundredths = (sumHundredths: number, n: number): number | null => (n > 0 ? Math.round(sumHundredths / n) / 100 : null);
const meanOfPercents = (values: number[]): number | null => averageFromHundredths(values.reduce((sum, v) => sum + toHundredths(v), 0), values.length);

/** The group's mean percentage in one column (counted cells only). */
export function columnAverage(column: CalcColumn, cells: ReadonlyArray<GradebookCell | null | undefined>): number | null {
  const percents: number[] = [];
  for (const cell of cells) {
    const fraction = cellFraction(column, cell);
    if (fraction !== null) percents.push(fraction * 100);
  }
  return meanOfPercents(percents);
}

/** Mean of the students' category percentages and totals (students without one are left out). */
export function rowAverages(rows: ReadonlyArray<RowResult>): { categories: CategoryPercents; total: number | null } {
  const pick = (get: (row: RowResult) => number | null) => meanOfPercents(rows.map(get).filter((v): v is number => v !== null));
  return {
    categories: { attendance: pick((r) => r.categories.attendance), homework: pick((r) => r.categories.homework), control: pick((r) => r.categories.control) },
    total: pick((r) => r.total),
  };
}

export interface GroupCalcResult {
  rows: RowResult[];
  averages: { columns: Array<number | null>; categories: CategoryPercents; total: number | null };
  effectiveWeights: CategoryPercents;
}

/** The whole table: every row, every column's average, the category and total averages. */
export function computeGroup(
  columns: readonly CalcColumn[],
  cellRows: ReadonlyArray<ReadonlyArray<GradebookCell | null>>,
  weights: CategoryWeightMap,
  scale: readonly ScaleStep[] | null,
): GroupCalcResult {
  const rows = cellRows.map((cells) => computeRow(columns, cells, weights, scale));
  const columnAverages = columns.map((column, i) => columnAverage(column, cellRows.map((cells) => cells[i])));
  const present = { attendance: false, homework: false, control: false };
  columns.forEach((column, i) => {
    if (columnAverages[i] !== null) present[column.category] = true;
  });
  return { rows, averages: { columns: columnAverages, ...rowAverages(rows) }, effectiveWeights: effectiveWeights(weights, present) };
}

/** 1 = best; equal totals share a rank; null for a student without a total. */
export function rankOf(total: number | null, totals: ReadonlyArray<number | null>): number | null {
  if (total === null) return null;
  return totals.filter((other) => other !== null && round2(other) > round2(total)).length + 1;
}
