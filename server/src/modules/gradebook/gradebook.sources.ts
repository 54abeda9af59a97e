import { columnIds, type AttendanceStatus, type GradebookCell, type GradebookColumn } from '@tp/shared';
import type { ControlPointRow, GradebookRepository } from './gradebook.repository.js';

/** What the gradebook reads from the attendance module (its service implements it). */
export interface AttendanceSource {
  gradebookColumns(groupId: string): Promise<Array<{ lessonId: string; title: string; startAt: Date; maxPoints: number }>>;
  gradebookCells(groupId: string, studentId?: string): Promise<Array<{ lessonId: string; studentId: string; status: AttendanceStatus; points: number; comment: string | null }>>;
  onMarksChanged(listener: (change: { groupId: string; lessonId: string; studentIds: string[] }) => void | Promise<void>): void;
}

/** What the gradebook reads from the homework module (its service implements it). */
export interface HomeworkSource {
  gradebookColumns(groupId: string): Promise<Array<{ homeworkId: string; title: string; dueAt: Date | null; maxPoints: number; hiddenFromStudents: boolean }>>;
  /** Each homework id once, then per student `[index into homeworkIds, cell]` (one JSON value). */
  gradebookCells(groupId: string, studentId?: string): Promise<{ homeworkIds: string[]; byStudent: Record<string, Array<[number, GradebookCell]>> }>;
  onStandingChanged(listener: (change: { groupId: string; homeworkId: string; studentIds: string[] | 'all' }) => void | Promise<void>): void;
}

/** A column with what the server alone needs. */
export interface ModelColumn extends GradebookColumn {
  /** Homework whose scores students may not see yet: their own cell shows as submitted. */
  hiddenFromStudents: boolean;
}
/** The cells of the three sources as they answered them (aligned with the columns by `alignCells`). */
export interface SourceCells {
  attendance: Awaited<ReturnType<AttendanceSource['gradebookCells']>>;
  homework: Awaited<ReturnType<HomeworkSource['gradebookCells']>>;
  control: Awaited<ReturnType<GradebookRepository['controlCells']>>;
}

const day = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);

export function controlColumn(cp: ControlPointRow): ModelColumn {
  return {
    id: columnIds.control(cp.id),
    category: 'control',
    title: cp.title,
    date: cp.date ?? day(cp.lessonStartAt),
    maxPoints: cp.maxH / 100,
    kind: cp.kind,
    weight: cp.weightH / 100,
    counted: false,
    hiddenFromStudents: false,
  };
}

/**
 * The three sources of columns and cells: attendance (per lesson), homework and control points. Each
 * read is one statement per source, whatever the group's size; a missing source has no columns.
 */
export class GradebookSources {
  constructor(
    private readonly repo: GradebookRepository,
    private readonly attendance: AttendanceSource | null,
    private readonly homework: HomeworkSource | null,
  ) {}

  /** Statements these reads send to the other modules (one per call by their contract). */
  foreignStatements = 0;

  async columns(groupId: string): Promise<ModelColumn[]> {
    const [lessons, homework, controls] = await Promise.all([
      this.attendance ? (this.foreignStatements++, this.attendance.gradebookColumns(groupId)) : [],
      this.homework ? (this.foreignStatements++, this.homework.gradebookColumns(groupId)) : [],
      this.repo.controlPoints(groupId),
    ]);
    return [
      ...lessons.map(
        (l): ModelColumn => ({ id: columnIds.attendance(l.lessonId), category: 'attendance', title: l.title, date: l.startAt.toISOString(), maxPoints: l.maxPoints, counted: false, hiddenFromStudents: false }),
      ),
      ...homework.map(
        (h): ModelColumn => ({ id: columnIds.homework(h.homeworkId), category: 'homework', title: h.title, date: h.dueAt?.toISOString() ?? null, maxPoints: h.maxPoints, counted: false, hiddenFromStudents: h.hiddenFromStudents }),
      ),
      ...controls.map(controlColumn),
    ];
  }

  async cells(groupId: string, studentId?: string): Promise<SourceCells> {
    const [attendance, homework, control] = await Promise.all([
      this.attendance ? (this.foreignStatements++, this.attendance.gradebookCells(groupId, studentId)) : [],
      this.homework ? (this.foreignStatements++, this.homework.gradebookCells(groupId, studentId)) : { homeworkIds: [], byStudent: {} },
      this.repo.controlCells(groupId, studentId),
    ]);
    return { attendance, homework, control };
  }
}
