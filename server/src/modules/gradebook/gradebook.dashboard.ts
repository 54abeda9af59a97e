import {
  AT_RISK_DEFAULTS,
  computeGroup,
  rankOf,
  type GradebookDashboardDto,
  type GradebookDto,
  type StudentProgressDto,
} from '@tp/shared';
import { calcColumns, studentCells, type GradebookModel } from './gradebook.model.js';

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

/**
 * A student's weighted total after each date that has a column, against the group's average, per
 * category, and their rank now. Each point counts only the columns dated up to that day.
 */
export function progress(model: GradebookModel, table: GradebookDto, studentId: string): StudentProgressDto {
  const index = model.students.findIndex((s) => s.id === studentId);
  const columns = calcColumns(model.columns);
  const cells = model.cells.map((row, i) => (i === index ? studentCells(model.columns, row) : row));
  const days = [...new Set(model.columns.map((c) => c.date?.slice(0, 10)).filter((d): d is string => Boolean(d)))].sort();
  const points: StudentProgressDto['points'] = [];
  for (const day of days) {
    const upTo = columns.map((c) => ({ ...c, counted: c.date !== null && c.date.slice(0, 10) <= day }));
    const lastColumn = [...model.columns].reverse().find((c) => c.date?.slice(0, 10) === day)!;
    const calc = computeGroup(upTo, cells, model.settings.weights, model.settings.scale);
    const own = index >= 0 ? calc.rows[index]! : null;
    points.push({
      date: day,
      columnId: lastColumn.id,
      total: own?.total ?? null,
      groupTotal: calc.averages.total,
      categories: own?.categories ?? { attendance: null, homework: null, control: null },
      groupCategories: calc.averages.categories,
    });
  }
  const totals = table.rows.map((r) => r.total);
  const own = table.rows.find((r) => r.student.id === studentId);
  return {
    groupId: table.groupId,
    studentId,
    points,
    rank: own ? rankOf(own.total, totals) : null,
    rankedStudents: totals.filter((t) => t !== null).length,
  };
}
