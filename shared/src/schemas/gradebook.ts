import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { CATEGORY_KEYS, CONTROL_POINT_KINDS } from '../gradebook/constants.js';
import { isoDate, text, uuid } from './common.js';

/*
 * Gradebook contract (control points, settings, the table, exports, dashboards). The table is
 * compact on purpose: 300 students × 200 columns must stay well under 1.5 MB of JSON, so a cell is a
 * tuple and rows carry cells aligned with `columns`.
 */

export const categoryKey = z.enum(CATEGORY_KEYS);
export const controlPointKind = z.enum(CONTROL_POINT_KINDS);

const G = {
  maxPoints: LIMITS.homework.maxPoints,
  weight: 1000,
  scoresPerRequest: 500,
  commentChars: 1000,
  markChars: 20,
  scaleSteps: 20,
} as const;

/** Points with at most two decimals (stored in hundredths). */
const hundredths = (max: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'at most two decimals');

// ---------------------------------------------------------------- control points

/** Body of `POST /api/groups/:id/control-points`. A control point is dated or tied to a stored lesson of the group. */
export const createControlPointBody = z.strictObject({
  title: text(LIMITS.title.max),
  kind: controlPointKind,
  maxPoints: hundredths(G.maxPoints).refine((v) => v > 0, 'must be above 0'),
  /** Weight inside the control category (Moodle's weighted mean). */
  weight: hundredths(G.weight).default(1),
  date: isoDate.optional(),
  lessonId: uuid.optional(),
});
/** Body of `PATCH /api/control-points/:id`. */
export const updateControlPointBody = z.strictObject({
  title: text(LIMITS.title.max).optional(),
  kind: controlPointKind.optional(),
  maxPoints: hundredths(G.maxPoints)
    .refine((v) => v > 0, 'must be above 0')
    .optional(),
  weight: hundredths(G.weight).optional(),
  date: isoDate.nullable().optional(),
  lessonId: uuid.nullable().optional(),
});
/**
 * One score: `points` within 0..maxPoints, or `null` to clear it; `excused: true` leaves the student
 * out of this control point (points are then ignored).
 */
export const scoreInput = z.strictObject({
  studentId: uuid,
  points: hundredths(G.maxPoints).nullable(),
  excused: z.boolean().optional(),
  comment: text(G.commentChars, { min: 0 }).nullable().optional(),
});
/** Body of `PUT /api/control-points/:id/scores`. */
export const putScoresBody = z.strictObject({
  scores: z
    .array(scoreInput)
    .min(1)
    .max(G.scoresPerRequest)
    .refine((list) => new Set(list.map((s) => s.studentId)).size === list.length, 'a student appears twice'),
});

export const controlPointDto = z.object({
  id: uuid,
  groupId: uuid,
  title: z.string(),
  kind: controlPointKind,
  maxPoints: z.number(),
  weight: z.number(),
  date: z.string().nullable(),
  lessonId: uuid.nullable(),
  createdAt: z.string(),
});
export const controlPointScoreDto = z.object({
  studentId: uuid,
  points: z.number().nullable(),
  excused: z.boolean(),
  comment: z.string().nullable(),
});
export const controlPointScoresDto = z.object({ controlPoint: controlPointDto, scores: z.array(controlPointScoreDto) });

export type CreateControlPointBody = z.infer<typeof createControlPointBody>;
export type UpdateControlPointBody = z.infer<typeof updateControlPointBody>;
export type PutScoresBody = z.infer<typeof putScoresBody>;
export type ControlPointDto = z.infer<typeof controlPointDto>;
export type ControlPointScoreDto = z.infer<typeof controlPointScoreDto>;
export type ControlPointScoresDto = z.infer<typeof controlPointScoresDto>;

// ---------------------------------------------------------------- settings

const weightValue = z.number().min(0, 'must not be negative').max(G.weight);
export const categoryWeights = z.strictObject({ attendance: weightValue, homework: weightValue, control: weightValue });
export const markScaleStep = z.strictObject({ min: z.number().min(0).max(100), mark: text(G.markChars) });
/** A mark scale: steps with distinct `min`, one of them 0 so every total gets a mark; stored ordered by `min` desc. */
export const markScale = z
  .array(markScaleStep)
  .min(1)
  .max(G.scaleSteps)
  .refine((steps) => new Set(steps.map((s) => s.min)).size === steps.length, 'two steps share a minimum')
  .refine((steps) => steps.some((s) => s.min === 0), 'one step must start at 0')
  .transform((steps) => [...steps].sort((a, b) => b.min - a.min));
/** Body of `PUT /api/groups/:id/gradebook-settings`; `scale: null` switches marks off. */
export const gradebookSettingsBody = z.strictObject({
  weights: categoryWeights.optional(),
  scale: markScale.nullable().optional(),
});
export const gradebookSettingsDto = z.object({
  groupId: uuid,
  weights: z.object({ attendance: z.number(), homework: z.number(), control: z.number() }),
  scale: z.array(z.object({ min: z.number(), mark: z.string() })).nullable(),
});
export type CategoryWeights = z.infer<typeof categoryWeights>;
export type MarkScaleStep = { min: number; mark: string };
export type GradebookSettingsBody = z.infer<typeof gradebookSettingsBody>;
export type GradebookSettingsDto = z.infer<typeof gradebookSettingsDto>;

// ---------------------------------------------------------------- the table

/** `[points or null, status code, comment?]`; statuses per category are in `gradebook/constants`. */
export const gradebookCellDto = z.union([
  z.tuple([z.number().nullable(), z.string()]),
  z.tuple([z.number().nullable(), z.string(), z.string()]),
]);
const categoryPercents = z.object({ attendance: z.number().nullable(), homework: z.number().nullable(), control: z.number().nullable() });
export const gradebookColumnDto = z.object({
  id: z.string(),
  category: categoryKey,
  title: z.string(),
  date: z.string().nullable(),
  maxPoints: z.number(),
  kind: controlPointKind.optional(),
  weight: z.number().optional(),
  /** false: not yet due or nothing graded yet — left out of every percentage. */
  counted: z.boolean(),
});
export const gradebookRowDto = z.object({
  student: z.object({ id: uuid, name: z.string() }),
  cells: z.array(gradebookCellDto.nullable()),
  categories: categoryPercents,
  total: z.number().nullable(),
  mark: z.string().nullable(),
});
export const gradebookAveragesDto = z.object({
  columns: z.array(z.number().nullable()),
  categories: categoryPercents,
  total: z.number().nullable(),
});
export const gradebookCategoryDto = z.object({ key: categoryKey, weight: z.number(), effectiveWeight: z.number().nullable() });
export const gradebookDto = z.object({
  groupId: uuid,
  groupName: z.string(),
  seq: z.number().int(),
  generatedAt: z.string(),
  categories: z.array(gradebookCategoryDto),
  scale: z.array(z.object({ min: z.number(), mark: z.string() })).nullable(),
  columns: z.array(gradebookColumnDto),
  rows: z.array(gradebookRowDto),
  averages: gradebookAveragesDto,
});
export type GradebookCell = [number | null, string] | [number | null, string, string];
export type GradebookColumn = z.infer<typeof gradebookColumnDto>;
export type GradebookRow = Omit<z.infer<typeof gradebookRowDto>, 'cells'> & { cells: Array<GradebookCell | null> };
export type GradebookAverages = z.infer<typeof gradebookAveragesDto>;
/**
 * Averages in a live event: the columns whose average moved, keyed by column id (a full event lists
 * every column), and the category and total averages, always complete.
 */
export interface GradebookAveragesPatch {
  columns: Record<string, number | null>;
  categories: GradebookAverages['categories'];
  total: number | null;
}
export type GradebookCategory = z.infer<typeof gradebookCategoryDto>;
export type GradebookDto = Omit<z.infer<typeof gradebookDto>, 'rows'> & { rows: GradebookRow[] };

/** `GET /api/me/grades` without `groupId`: the student's groups to pick from. */
export const myGradesQuery = z.strictObject({ groupId: uuid.optional() });
export const myGradeGroupsDto = z.object({ groups: z.array(z.object({ id: uuid, name: z.string(), teacherName: z.string() })) });
export type MyGradeGroupsDto = z.infer<typeof myGradeGroupsDto>;

export const exportQuery = z.strictObject({ format: z.enum(['csv', 'xlsx']).default('xlsx') });

// ---------------------------------------------------------------- dashboards

export const dashboardQuery = z.strictObject({ threshold: z.coerce.number().min(0).max(100).optional() });
export const AT_RISK_REASONS = ['low_total', 'missed_homework', 'low_attendance'] as const;
export const gradebookDashboardDto = z.object({
  groupId: uuid,
  threshold: z.number(),
  /** Totals in 10-point buckets: `from` inclusive, `to` exclusive except 100; students without a total in `noTotal`. */
  distribution: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  noTotal: z.number().int(),
  averages: gradebookAveragesDto.omit({ columns: true }),
  atRisk: z.array(
    z.object({
      student: z.object({ id: uuid, name: z.string() }),
      total: z.number().nullable(),
      reasons: z.array(z.object({ code: z.enum(AT_RISK_REASONS), value: z.number() })),
    }),
  ),
});
export const progressParams = z.strictObject({ id: uuid, studentId: uuid });
/** A student's weighted total after each dated column, against the group average, per category; and their rank now. */
export const studentProgressDto = z.object({
  groupId: uuid,
  studentId: uuid,
  points: z.array(
    z.object({
      date: z.string(),
      columnId: z.string(),
      total: z.number().nullable(),
      groupTotal: z.number().nullable(),
      categories: categoryPercents,
      groupCategories: categoryPercents,
    }),
  ),
  /** 1 = best total; ties share a rank; null when the student has no total. */
  rank: z.number().int().nullable(),
  rankedStudents: z.number().int(),
});
export type GradebookDashboardDto = z.infer<typeof gradebookDashboardDto>;
export type StudentProgressDto = z.infer<typeof studentProgressDto>;

// ---------------------------------------------------------------- socket

export const gradebookWatchPayload = z.strictObject({ groupId: uuid });
export type GradebookWatchPayload = z.infer<typeof gradebookWatchPayload>;
