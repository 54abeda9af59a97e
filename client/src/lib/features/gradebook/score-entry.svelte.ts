import type { PutScoresBody } from '@tp/shared';
import type { GradebookColumn, GradebookRow } from './types.js';
import { parsePoints, scoreProblem } from './validation.js';

export interface ScoreLine {
  studentId: string;
  name: string;
  points: string;
  excused: boolean;
  comment: string;
  saved: { points: string; excused: boolean; comment: string };
}

/** The teacher's score sheet for one control point: one editable line per student, saved as one PUT of the changed lines. */
export class ScoreSheet {
  lines = $state<ScoreLine[]>([]);
  readonly max: number;

  constructor(
    readonly column: GradebookColumn,
    rows: readonly GradebookRow[],
    index: number,
  ) {
    this.max = column.maxPoints;
    this.lines = rows.map((row) => {
      const cell = row.cells[index];
      const saved = { points: cell?.[0] === null || cell?.[0] === undefined ? '' : String(cell[0]), excused: cell?.[1] === 'excused', comment: cell?.[2] ?? '' };
      return { studentId: row.student.id, name: row.student.name, ...saved, saved };
    });
  }

  problem(line: ScoreLine): string | null {
    return line.excused ? null : scoreProblem(line.points, this.max);
  }

  get changed(): ScoreLine[] {
    return this.lines.filter((line) => line.points !== line.saved.points || line.excused !== line.saved.excused || line.comment !== line.saved.comment);
  }

  get valid(): boolean {
    return this.lines.every((line) => this.problem(line) === null);
  }

  body(): PutScoresBody['scores'] {
    return this.changed.map((line) => ({
      studentId: line.studentId,
      points: line.excused ? null : parsePoints(line.points),
      excused: line.excused,
      comment: line.comment.trim() || null,
    }));
  }

  /** After a save: what was sent is what is stored now. */
  markSaved(): void {
    for (const line of this.lines) line.saved = { points: line.points, excused: line.excused, comment: line.comment };
  }
}
