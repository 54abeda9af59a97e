/** The gradebook's wire shapes, from the shared contract (GET /api/groups/:id/gradebook and `gradebook:*`). */
export type {
  CategoryKey,
  ControlPointKind,
  GradebookAverages,
  GradebookCell,
  GradebookColumn,
  GradebookDto,
  GradebookRow,
  MarkScaleStep as ScaleStep,
} from '@tp/shared';
export type CategoryPercents = import('@tp/shared').CategoryPercents;
export { CATEGORY_KEYS, CONTROL_POINT_KINDS, DEFAULT_CATEGORY_WEIGHTS, DEFAULT_MARK_SCALE, gradebookRooms } from '@tp/shared/gradebook/constants';
