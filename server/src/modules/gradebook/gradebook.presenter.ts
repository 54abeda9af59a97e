import type { ControlPointDto, ControlPointScoreDto } from '@tp/shared';
import type { ControlPointRow, ScoreRow } from './gradebook.repository.js';

export function presentControlPoint(row: ControlPointRow): ControlPointDto {
  return {
    id: row.id,
    groupId: row.groupId,
    title: row.title,
    kind: row.kind,
    maxPoints: row.maxH / 100,
    weight: row.weightH / 100,
    date: row.date,
    lessonId: row.lessonId,
    createdAt: row.createdAt.toISOString(),
  };
}

export function presentScore(row: ScoreRow): ControlPointScoreDto {
  return { studentId: row.studentId, points: row.pointsH === null ? null : row.pointsH / 100, excused: row.excused, comment: row.comment };
}
