import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CATEGORY_WEIGHTS,
  DEFAULT_MARK_SCALE,
  columnAverage,
  computeGroup,
  computeRow,
  effectiveWeights,
  markFor,
  rankOf,
  type CalcColumn,
  type GradebookCell,
} from '@tp/shared';

const cp = (maxPoints: number, weight = 1): CalcColumn => ({ category: 'control', maxPoints, weight, counted: true });
const hw = (maxPoints: number, counted = true): CalcColumn => ({ category: 'homework', maxPoints, counted });
const att = (maxPoints = 2): CalcColumn => ({ category: 'attendance', maxPoints, counted: true });
const scored = (points: number): GradebookCell => [points, 'scored'];
const onlyControl = { attendance: 0, homework: 0, control: 100 };

describe('control points (Moodle worked example)', () => {
  const columns = [cp(100), cp(80), cp(10)];
  const cells = [scored(70), scored(20), scored(10)];

  it('70/100, 20/80, 10/10 with equal weights → mean 65 %', () => {
    expect(computeRow(columns, cells, onlyControl, null).categories.control).toBe(65);
  });

  it('weights 10/5/3 → 62.5 %', () => {
    const weighted = [cp(100, 10), cp(80, 5), cp(10, 3)];
    expect(computeRow(weighted, cells, onlyControl, null).categories.control).toBe(62.5);
  });

  it('an excused control point is left out', () => {
    const row = computeRow(columns, [scored(70), [null, 'excused'], [5, 'excused']], onlyControl, null);
    expect(row.categories.control).toBe(70);
  });

  it('a missing score is left out, not counted as 0', () => {
    expect(computeRow(columns, [scored(70), null, scored(10)], onlyControl, null).categories.control).toBe(85);
  });

  it('control points weighted 0 leave the category empty', () => {
    expect(computeRow([cp(10, 0)], [scored(5)], onlyControl, null).categories.control).toBeNull();
  });
});

describe('homework', () => {
  it('missed counts 0, a backlog replacement counts its grade, excused and ungraded are left out', () => {
    const columns = [hw(10), hw(10), hw(20), hw(10), hw(10)];
    const cells: GradebookCell[] = [[0, 'missed'], [8, 'graded'], [20, 'graded'], [null, 'submitted'], [null, 'excused']];
    expect(computeRow(columns, cells, DEFAULT_CATEGORY_WEIGHTS, null).categories.homework).toBe(60);
    // the missed one replaced from the backlog by a graded late submission
    cells[0] = [10, 'graded'];
    expect(computeRow(columns, cells, DEFAULT_CATEGORY_WEIGHTS, null).categories.homework).toBeCloseTo(93.33, 2);
  });

  it('a column not yet due is left out even where a cell has points', () => {
    const row = computeRow([hw(10), hw(10, false)], [[5, 'graded'], [0, 'in_progress']], DEFAULT_CATEGORY_WEIGHTS, null);
    expect(row.categories.homework).toBe(50);
  });
});

describe('attendance', () => {
  it('Σ points / Σ max; excused earns its points', () => {
    const cells: GradebookCell[] = [[2, 'present'], [1, 'late'], [1, 'excused'], [0, 'absent']];
    expect(computeRow([att(), att(), att(), att()], cells, DEFAULT_CATEGORY_WEIGHTS, null).categories.attendance).toBe(50);
  });
});

describe('total, weights and marks', () => {
  const columns = [att(), hw(10), cp(100)];

  it('weights categories 20/30/50', () => {
    const row = computeRow(columns, [[2, 'present'], [5, 'graded'], scored(40)], DEFAULT_CATEGORY_WEIGHTS, DEFAULT_MARK_SCALE);
    // 100×20 + 50×30 + 40×50 = 5500 / 100
    expect(row.total).toBe(55);
    expect(row.mark).toBe('3');
  });

  it('normalises the weights over the categories that have a percentage (empty categories drop out)', () => {
    const row = computeRow(columns, [[2, 'present'], null, scored(40)], DEFAULT_CATEGORY_WEIGHTS, DEFAULT_MARK_SCALE);
    // (100×20 + 40×50) / 70
    expect(row.total).toBeCloseTo(57.14, 2);
    expect(effectiveWeights(DEFAULT_CATEGORY_WEIGHTS, { attendance: true, homework: false, control: true })).toEqual({
      attendance: 28.57,
      homework: null,
      control: 71.43,
    });
  });

  it('no counted cell → no total and no mark', () => {
    const row = computeRow(columns, [null, null, null], DEFAULT_CATEGORY_WEIGHTS, DEFAULT_MARK_SCALE);
    expect(row).toEqual({ categories: { attendance: null, homework: null, control: null }, total: null, mark: null });
  });

  it('a category weighted 0 does not count even with a percentage', () => {
    const row = computeRow(columns, [[0, 'absent'], [10, 'graded'], null], { attendance: 0, homework: 30, control: 50 }, null);
    expect(row.total).toBe(100);
  });

  it('the Russian 5-point scale by default, editable, or none', () => {
    expect([85, 84.99, 70, 69.99, 50, 49.99, 0].map((t) => markFor(t, DEFAULT_MARK_SCALE))).toEqual(['5', '4', '4', '3', '3', '2', '2']);
    const passFail = [
      { min: 0, mark: 'fail' },
      { min: 60, mark: 'pass' },
    ];
    expect(markFor(60, passFail)).toBe('pass');
    expect(markFor(59.5, passFail)).toBe('fail');
    expect(markFor(90, null)).toBeNull();
    expect(markFor(null, DEFAULT_MARK_SCALE)).toBeNull();
  });
});

describe('group averages and rank', () => {
  it('column averages over counted cells, category and total averages over students with a value', () => {
    const columns = [cp(100), hw(10)];
    const result = computeGroup(
      columns,
      [
        [scored(70), [10, 'graded']],
        [scored(20), [null, 'excused']],
        [null, [0, 'missed']],
      ],
      DEFAULT_CATEGORY_WEIGHTS,
      DEFAULT_MARK_SCALE,
    );
    expect(result.averages.columns).toEqual([45, 50]);
    expect(result.averages.categories).toEqual({ attendance: null, homework: 50, control: 45 });
    expect(result.rows.map((r) => r.total)).toEqual([81.25, 20, 0]);
    expect(result.averages.total).toBeCloseTo(33.75, 2);
    expect(result.effectiveWeights).toEqual({ attendance: null, homework: 37.5, control: 62.5 });
    expect(columnAverage(columns[0]!, [null, undefined])).toBeNull();
  });

  it('ranks by total, ties share a rank', () => {
    const totals = [90, 80, 80, null, 70];
    expect(totals.map((t) => rankOf(t, totals))).toEqual([1, 2, 2, null, 4]);
  });
});
