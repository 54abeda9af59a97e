import {
  AT_RISK_DEFAULTS,
  averageFromHundredths,
  toHundredths,
  cellFraction,
  computeGroup,
  rankOf,
  round2,
  weightedTotal,
  type CalcColumn,
  type CategoryPercents,
  type GradebookCell,
  type GradebookDashboardDto,
  type GradebookDto,
  type StudentProgressDto,
} from '@tp/shared';
import { calcColumns, roundOrNull, studentCells, type GradebookModel } from './gradebook.model.js';

const BUCKET = 10;

/** The teacher's group dashboard: how totals spread, and who is at risk and why. */
export function dashboard(table: GradebookDto, threshold: number = AT_RISK_DEFAULTS.totalBelow): GradebookDashboardDto {
  const distribution = Array.from({ length: 100 / BUCKET }, (_, i) => ({ from: i * BUCKET, to: (i + 1) * BUCKET, count: 0 }));
  let noTotal = 0;
  const homeworkIndexes = table.columns.flatMap((c, i) => (c.category === 'homework' ? [i] : []));
  const atRisk: GradebookDashboardDto['atRisk'] = [];
  for (const row of table.rows) {
    if (row.total === null) noTotal++;
    else distribution[Math.min(distribution.length - 1, Math.floor(row.total / BUCKET))]!.count++;
    const reasons: GradebookDashboardDto['atRisk'][number]['reasons'] = [];
    if (row.total !== null && row.total < threshold) reasons.push({ code: 'low_total', value: row.total });
    // a missed homework still in the backlog counts 0 until it is done, so it counts as missed here
    const missed = homeworkIndexes.filter((i) => row.cells[i]?.[1] === 'missed' || row.cells[i]?.[1] === 'backlog').length;
    if (missed >= AT_RISK_DEFAULTS.missedHomework) reasons.push({ code: 'missed_homework', value: missed });
    const attendance = row.categories.attendance;
    if (attendance !== null && attendance < AT_RISK_DEFAULTS.attendanceBelow) reasons.push({ code: 'low_attendance', value: attendance });
    if (reasons.length) atRisk.push({ student: row.student, total: row.total, reasons });
  }
  return {
    groupId: table.groupId,
    threshold,
    distribution,
    noTotal,
    averages: { categories: table.averages.categories, total: table.averages.total },
    atRisk,
  };
}

/** Running sums of one student's counted cells, so each day's percentages cost O(1) to read. */
class Running {
  attPoints = 0;
  attMax = 0;
  hwSum = 0;
  hwN = 0;
  cpSum = 0;
  cpWeight = 0;
  cpN = 0;

  add(column: CalcColumn, cell: GradebookCell | null | undefined): void {
    const fraction = cellFraction(column, cell);
    if (fraction === null) return;
    if (column.category === 'attendance') {
      this.attPoints += cell![0]!;
      this.attMax += column.maxPoints;
    } else if (column.category === 'homework') {
      this.hwSum += fraction;
      this.hwN++;
    } else {
      const weight = column.weight ?? 1;
      this.cpSum += fraction * weight;
      this.cpWeight += weight;
      this.cpN++;
    }
  }

  /** The same percentages as the shared calculation gives for the cells added so far. */
  categories(): CategoryPercents {
    return {
      attendance: this.attMax > 0 ? (this.attPoints / this.attMax) * 100 : null,
      homework: this.hwN > 0 ? (this.hwSum / this.hwN) * 100 : null,
      control: this.cpN > 0 && this.cpWeight > 0 ? (this.cpSum / this.cpWeight) * 100 : null,
    };
  }
}

const roundCategories = (c: CategoryPercents): CategoryPercents => ({ attendance: roundOrNull(c.attendance), homework: roundOrNull(c.homework), control: roundOrNull(c.control) });
/** The mean as the table's averages take it (over whole hundredths). */
const meanOf = (values: Array<number | null>) => {
  const present = values.filter((v): v is number => v !== null);
  return averageFromHundredths(present.reduce((sum, v) => sum + toHundredths(v), 0), present.length);
};

/**
 * A student's weighted total after each date that has a column, against the group's average, per
 * category, and their rank now. Each point counts only the columns dated up to that day; columns are
 * added day by day to running sums, so a term of 200 columns × 300 students stays cheap.
 */
export function progress(model: GradebookModel, table: GradebookDto, studentId: string, asStudent: boolean): StudentProgressDto {
  const index = model.students.findIndex((s) => s.id === studentId);
  const columns = calcColumns(model.columns);
  // a student's chart counts nobody's unreleased homework scores, so its group line gives none away
  const cells = asStudent ? model.cells.map((row) => studentCells(model.columns, row)) : model.cells;
  const order = columns.map((_, i) => i).filter((i) => model.columns[i]!.date).sort((a, b) => model.columns[a]!.date!.localeCompare(model.columns[b]!.date!));
  const running = cells.map(() => new Running());
  const points: StudentProgressDto['points'] = [];
  for (let k = 0; k < order.length; k++) {
    const c = order[k]!;
    running.forEach((sums, s) => sums.add(columns[c]!, cells[s]![c]));
    const day = model.columns[c]!.date!.slice(0, 10);
    if (k + 1 < order.length && model.columns[order[k + 1]!]!.date!.slice(0, 10) === day) continue;
    const categories = running.map((sums) => sums.categories());
    const totals = categories.map((cats) => weightedTotal(cats, model.settings.weights));
    const own = index >= 0 ? categories[index]! : { attendance: null, homework: null, control: null };
    points.push({
      date: day,
      columnId: model.columns[c]!.id,
      total: index >= 0 ? roundOrNull(totals[index]!) : null,
      groupTotal: meanOf(totals.map((t) => (t === null ? null : round2(t)))),
      categories: roundCategories(own),
      groupCategories: {
        attendance: meanOf(categories.map((x) => roundOrNull(x.attendance))),
        homework: meanOf(categories.map((x) => roundOrNull(x.homework))),
        control: meanOf(categories.map((x) => roundOrNull(x.control))),
      },
    });
  }
  const totals = asStudent ? computeGroup(columns, cells, model.settings.weights, model.settings.scale).rows.map((r) => r.total) : table.rows.map((r) => r.total);
  const own = index >= 0 ? totals[index]! : null;
  return {
    groupId: table.groupId,
    studentId,
    points,
    rank: index >= 0 ? rankOf(own, totals) : null,
    rankedStudents: totals.filter((t) => t !== null).length,
  };
}
