import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { HOMEWORK_GRADE_BY, HOMEWORK_RELEASE, HOMEWORK_STATUSES, QUESTION_TYPES, ORDERING_GRADING } from '../constants.js';
import { isoInstant, text, uuid } from './common.js';

const H = LIMITS.homework;

/**
 * Credit of an option or accepted answer as a fraction of the question's points: 1 = full marks,
 * 0.5 = half, −0.25 = a penalty. Moodle's odd fractions (1/3) are allowed; scores are rounded to
 * hundredths of a point only once, when a question's fraction is applied to its points.
 */
export const credit = z.number().min(-1).max(1);
/** Points in hundredths at most (stored as integers of hundredths). */
export const points = z
  .number()
  .min(0)
  .max(H.maxPoints)
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'at most two decimals');
const feedback = text(H.feedbackChars, { min: 0 }).optional();
/** Option, item, stem and gap ids: uuids the builder makes (random, so they reveal nothing); the server fills missing ones. */
const partId = uuid.optional();

export const homeworkStatus = z.enum(HOMEWORK_STATUSES);
export const gradeBy = z.enum(HOMEWORK_GRADE_BY);
export const releaseResults = z.enum(HOMEWORK_RELEASE);
export const questionType = z.enum(QUESTION_TYPES);
export const orderingGrading = z.enum(ORDERING_GRADING);
export type HomeworkStatus = z.infer<typeof homeworkStatus>;
export type GradeBy = z.infer<typeof gradeBy>;
export type ReleaseResults = z.infer<typeof releaseResults>;
export type QuestionType = z.infer<typeof questionType>;

// ---------------------------------------------------------------- teacher's view: content + key

const choiceOption = z.strictObject({ id: partId, text: text(H.optionChars), credit, feedback });
/** multiple_response: an option without a credit is wrong and costs −1/(number of right options). */
const responseOption = z.strictObject({ id: partId, text: text(H.optionChars), credit: credit.optional(), feedback });
const textAnswer = z.strictObject({ text: text(H.optionChars), credit, feedback });
/** A decimal written the way the key stores it: `3.14`, `-2`, `1e3` is refused (keys stay exact). */
export const decimalString = z.string().trim().regex(/^-?\d{1,15}(\.\d{1,10})?$/, 'expected a decimal number like 3.14');
const numericAnswer = z.strictObject({ value: decimalString, tolerance: decimalString.default('0'), credit, feedback });
const ids = <T extends { id?: string }>(list: T[]) => new Set(list.map((x) => x.id).filter(Boolean)).size === list.filter((x) => x.id).length;

const common = {
  points,
  /** Markdown; rendered without HTML. */
  prompt: text(H.promptChars),
  /** General feedback, shown with the results. */
  feedback,
};

export const singleChoiceQuestion = z
  .strictObject({ type: z.literal('single_choice'), ...common, shuffle: z.boolean().default(true), options: z.array(choiceOption).min(2).max(H.options) })
  .refine((q) => q.options.some((o) => o.credit === 1), { message: 'one option must carry full credit', path: ['options'] })
  .refine((q) => ids(q.options), { message: 'option ids repeat', path: ['options'] });

export const multipleResponseQuestion = z
  .strictObject({ type: z.literal('multiple_response'), ...common, shuffle: z.boolean().default(true), options: z.array(responseOption).min(2).max(H.options) })
  .refine((q) => Math.abs(q.options.reduce((sum, o) => sum + Math.max(0, o.credit ?? 0), 0) - 1) < 1e-4, {
    message: 'the positive credits must add up to 100 %',
    path: ['options'],
  })
  .refine((q) => ids(q.options), { message: 'option ids repeat', path: ['options'] });

export const trueFalseQuestion = z.strictObject({
  type: z.literal('true_false'),
  ...common,
  correct: z.boolean(),
  feedbackTrue: feedback,
  feedbackFalse: feedback,
});

export const shortAnswerQuestion = z.strictObject({
  type: z.literal('short_answer'),
  ...common,
  caseSensitive: z.boolean().default(false),
  /** Treat `ё` as `е` when comparing. */
  yoAsYe: z.boolean().default(false),
  /** First match wins; `*` matches any run of characters, `\*` a literal star. */
  answers: z.array(textAnswer).min(1).max(H.options),
});

export const numericQuestion = z.strictObject({
  type: z.literal('numeric'),
  ...common,
  /** First match wins; a value matches when |answer − value| ≤ tolerance. */
  answers: z.array(numericAnswer).min(1).max(H.options),
});

export const matchingQuestion = z
  .strictObject({
    type: z.literal('matching'),
    ...common,
    /** Each stem with its right choice. */
    pairs: z.array(z.strictObject({ id: partId, stem: text(H.optionChars), choiceId: partId, choice: text(H.optionChars) })).min(2).max(H.options),
    /** Wrong choices offered besides the right ones. */
    distractors: z.array(z.strictObject({ id: partId, text: text(H.optionChars) })).max(H.options).default([]),
  })
  .refine((q) => ids(q.pairs), { message: 'stem ids repeat', path: ['pairs'] });

export const orderingQuestion = z
  .strictObject({
    type: z.literal('ordering'),
    ...common,
    /** In the right order. */
    items: z.array(z.strictObject({ id: partId, text: text(H.optionChars) })).min(2).max(H.options),
    grading: orderingGrading.default('all_or_nothing'),
  })
  .refine((q) => ids(q.items), { message: 'item ids repeat', path: ['items'] });

export const clozeGapRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('short_answer'), caseSensitive: z.boolean().default(false), yoAsYe: z.boolean().default(false), answers: z.array(textAnswer).min(1).max(H.options) }),
  z.strictObject({ kind: z.literal('numeric'), answers: z.array(numericAnswer).min(1).max(H.options) }),
  z.strictObject({
    kind: z.literal('choice'),
    options: z.array(choiceOption).min(2).max(H.options),
  }),
]);
export const clozeGap = z.strictObject({ id: partId, weight: z.number().int().min(1).max(100).default(1), rule: clozeGapRule });
export const clozeQuestion = z
  .strictObject({
    type: z.literal('cloze'),
    ...common,
    /** Markdown with gaps marked `{{1}}`, `{{2}}`, … in the order of `gaps`. */
    text: text(H.promptChars),
    gaps: z.array(clozeGap).min(1).max(H.gaps),
  })
  .refine((q) => q.gaps.every((_, i) => q.text.includes(`{{${i + 1}}}`)), { message: 'every gap needs its {{n}} marker in the text', path: ['text'] });

export const freeTextQuestion = z.strictObject({
  type: z.literal('free_text'),
  ...common,
  wordLimit: z.number().int().min(1).max(H.freeTextWords).optional(),
});

/** Body of `POST /api/homework/:id/questions` and `PUT /api/homework/:id/questions/:questionId`. */
export const questionBody = z.discriminatedUnion('type', [
  singleChoiceQuestion,
  multipleResponseQuestion,
  trueFalseQuestion,
  shortAnswerQuestion,
  numericQuestion,
  matchingQuestion,
  orderingQuestion,
  clozeQuestion,
  freeTextQuestion,
]);
export type QuestionBody = z.infer<typeof questionBody>;
export type QuestionOf<T extends QuestionType> = Extract<QuestionBody, { type: T }>;
/** The teacher's question: the body as stored (every part id filled in), with its id and place. */
export type TeacherQuestionDto = QuestionBody & { id: string; position: number };

// ---------------------------------------------------------------- answers (student → server)

const answerText = text(H.answerChars, { min: 0, trim: false });
export const answerSchemas = {
  single_choice: z.strictObject({ optionId: uuid.nullable() }),
  multiple_response: z.strictObject({ optionIds: z.array(uuid).max(H.options) }),
  true_false: z.strictObject({ value: z.boolean().nullable() }),
  short_answer: z.strictObject({ text: answerText }),
  /** As typed: `3,14` and `3.14` are the same; `1 000` and `1,000.5` are refused as ambiguous. */
  numeric: z.strictObject({ text: text(64, { min: 0, trim: false }) }),
  /** stem id → choice id. */
  matching: z.strictObject({ pairs: z.record(uuid, uuid) }),
  /** Item ids, first to last. */
  ordering: z.strictObject({ order: z.array(uuid).max(H.options) }),
  /** gap id → text typed (or the chosen option id of a drop-down gap). */
  cloze: z.strictObject({ gaps: z.record(uuid, text(H.optionChars, { min: 0, trim: false })) }),
  free_text: z.strictObject({ text: text(H.freeTextChars, { min: 0, trim: false }) }),
} as const satisfies Record<QuestionType, z.ZodType>;
export type AnswerOf<T extends QuestionType> = z.infer<(typeof answerSchemas)[T]>;
/** Any answer; the server checks it against the question's type. */
export const answer = z.union(Object.values(answerSchemas) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
export type Answer = { [T in QuestionType]: AnswerOf<T> }[QuestionType];
/** Body of `PUT /api/attempts/:id/answers/:questionId` (autosave). */
export const saveAnswerBody = z.strictObject({ answer: z.record(text(100, { trim: false }), z.unknown()) });

// ---------------------------------------------------------------- student's view (never a key)

const shownOption = z.object({ id: uuid, text: z.string() });
const studentCommon = { id: uuid, position: z.number(), points: z.number(), prompt: z.string() };
export const studentQuestionDto = z.discriminatedUnion('type', [
  z.object({ type: z.literal('single_choice'), ...studentCommon, options: z.array(shownOption) }),
  z.object({ type: z.literal('multiple_response'), ...studentCommon, options: z.array(shownOption) }),
  z.object({ type: z.literal('true_false'), ...studentCommon }),
  z.object({ type: z.literal('short_answer'), ...studentCommon }),
  z.object({ type: z.literal('numeric'), ...studentCommon }),
  z.object({ type: z.literal('matching'), ...studentCommon, stems: z.array(shownOption), choices: z.array(shownOption) }),
  z.object({ type: z.literal('ordering'), ...studentCommon, items: z.array(shownOption) }),
  z.object({
    type: z.literal('cloze'),
    ...studentCommon,
    text: z.string(),
    /** In marker order: `{{1}}` is gaps[0]. */
    gaps: z.array(z.object({ id: uuid, kind: z.enum(['short_answer', 'numeric', 'choice']), options: z.array(shownOption).optional() })),
  }),
  z.object({ type: z.literal('free_text'), ...studentCommon, wordLimit: z.number().nullable() }),
]);
export type StudentQuestionDto = z.infer<typeof studentQuestionDto>;

// ---------------------------------------------------------------- homework bodies, params, queries

const title = text(LIMITS.title.max);
const instructions = text(H.instructionsChars, { min: 0, trim: false });
export const createHomeworkBody = z.strictObject({
  groupId: uuid,
  lessonId: uuid.optional(),
  title,
  instructions: instructions.optional(),
  opensAt: isoInstant.optional(),
  /** Absent: the start of the group's next lesson after publishing, else publishing + 7 days. */
  dueAt: isoInstant.optional(),
  attemptsAllowed: z.number().int().min(1).max(H.maxAttempts).default(1),
  gradeBy: gradeBy.default('best'),
  releaseResults: releaseResults.default('immediately'),
});
export const updateHomeworkBody = z.strictObject({
  lessonId: uuid.nullable().optional(),
  title: title.optional(),
  instructions: instructions.optional(),
  opensAt: isoInstant.nullable().optional(),
  dueAt: isoInstant.nullable().optional(),
  attemptsAllowed: z.number().int().min(1).max(H.maxAttempts).optional(),
  gradeBy: gradeBy.optional(),
  releaseResults: releaseResults.optional(),
});
export const homeworkListQuery = z.strictObject({ groupId: uuid.optional() });
export const questionParams = z.strictObject({ id: uuid, questionId: uuid });
export const reorderQuestionsBody = z.strictObject({ questionIds: z.array(uuid).min(1).max(H.questions) });
export const overrideParams = z.strictObject({ id: uuid, studentId: uuid });
/** Body of `PUT /api/homework/:id/overrides/:studentId`: excuse a student or move their due time. */
export const overrideBody = z.strictObject({ excused: z.boolean().optional(), dueAt: isoInstant.nullable().optional() });
/** Body of `POST /api/attempts/:id/grades` (free text). */
export const gradeAnswerBody = z.strictObject({ questionId: uuid, points, comment: text(H.feedbackChars, { min: 0 }).optional() });
/** Body of `POST /api/homework/import/gift` when sent as JSON (a text/plain body needs `?homeworkId=`). */
export const giftImportBody = z.strictObject({ homeworkId: uuid, gift: text(H.giftChars, { trim: false }) });
export const giftImportQuery = z.strictObject({ homeworkId: uuid.optional() });

export type CreateHomeworkBody = z.infer<typeof createHomeworkBody>;
export type UpdateHomeworkBody = z.infer<typeof updateHomeworkBody>;
export type OverrideBody = z.infer<typeof overrideBody>;
export type GradeAnswerBody = z.infer<typeof gradeAnswerBody>;

// ---------------------------------------------------------------- responses

export const ATTEMPT_STATES = ['in_progress', 'submitted', 'graded'] as const;
export const attemptState = z.enum(ATTEMPT_STATES);
/** A student's standing on one homework. `backlog`: missed, scored 0, may still be done (late) until `backlogUntil`. */
export const STUDENT_HOMEWORK_STATES = ['todo', 'in_progress', 'submitted', 'graded', 'backlog', 'missed', 'excused'] as const;
export const studentHomeworkState = z.enum(STUDENT_HOMEWORK_STATES);

export const homeworkDto = z.object({
  id: uuid,
  teacherId: uuid,
  groupId: uuid,
  groupName: z.string(),
  lessonId: uuid.nullable(),
  title: z.string(),
  instructions: z.string(),
  opensAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  attemptsAllowed: z.number(),
  gradeBy,
  releaseResults,
  status: homeworkStatus,
  publishedAt: z.string().nullable(),
  resultsReleasedAt: z.string().nullable(),
  questionCount: z.number(),
  maxScore: z.number(),
  createdAt: z.string(),
});
export type HomeworkDto = z.infer<typeof homeworkDto>;

/** One student's row in their homework list (and the `homework:published` payload). */
export const studentHomeworkDto = homeworkDto.extend({
  state: studentHomeworkState,
  /** Due time for this student (an extension included). */
  myDueAt: z.string().nullable(),
  /** Backlog: the last moment a late submission is accepted. */
  backlogUntil: z.string().nullable(),
  daysLeft: z.number().nullable(),
  late: z.boolean(),
  attemptsUsed: z.number(),
  /** Counted score when the results are visible, else null. */
  score: z.number().nullable(),
});
export type StudentHomeworkDto = z.infer<typeof studentHomeworkDto>;

export const questionResultDto = z.object({
  questionId: uuid,
  score: z.number().nullable(),
  maxScore: z.number(),
  /** Free text not graded yet. */
  pending: z.boolean(),
  comment: z.string().nullable(),
  feedback: z.string().nullable(),
});
export const attemptDto = z.object({
  id: uuid,
  homeworkId: uuid,
  studentId: uuid,
  number: z.number(),
  state: attemptState,
  startedAt: z.string(),
  submittedAt: z.string().nullable(),
  late: z.boolean(),
  /** questionId → the answer as saved. */
  answers: z.record(z.string(), z.unknown()),
  /** Questions in this attempt's shuffled order (students); options shuffled too. */
  questions: z.array(studentQuestionDto).optional(),
  resultsVisible: z.boolean(),
  score: z.number().nullable(),
  maxScore: z.number(),
  pendingManual: z.number(),
  results: z.array(questionResultDto).nullable(),
});
export type AttemptDto = z.infer<typeof attemptDto>;
export type QuestionResultDto = z.infer<typeof questionResultDto>;

/** The answer to `POST /api/attempts/:id/submit`. */
export const submitResultDto = z.object({ id: uuid, state: attemptState, score: z.number().nullable(), maxScore: z.number(), attempt: attemptDto });

/** A row of the teacher's submissions table, one per student of the group. */
export const submissionRowDto = z.object({
  studentId: uuid,
  firstName: z.string(),
  lastName: z.string(),
  state: studentHomeworkState,
  attempts: z.number(),
  /** The attempt that counts (best or last), if any. */
  attemptId: uuid.nullable(),
  score: z.number().nullable(),
  maxScore: z.number(),
  /** Seconds between start and submit of the counted attempt. */
  timeSpentSeconds: z.number().nullable(),
  submittedAt: z.string().nullable(),
  late: z.boolean(),
  pendingManual: z.number(),
  excused: z.boolean(),
  dueAt: z.string().nullable(),
});
export type SubmissionRowDto = z.infer<typeof submissionRowDto>;

export const homeworkResponseDto = z.object({
  homework: homeworkDto,
  /** Teacher (owner/admin): questions with keys. */
  questions: z.array(z.unknown()).optional(),
  /** Student: own standing, attempts (without keys until results are visible). */
  student: studentHomeworkDto.optional(),
  attempts: z.array(attemptDto).optional(),
});
export const homeworkListResponseDto = z.object({ homework: z.array(z.union([studentHomeworkDto, homeworkDto])) });
export const submissionsResponseDto = z.object({ homeworkId: uuid, rows: z.array(submissionRowDto), at: z.string() });
export const giftImportResponseDto = z.object({ imported: z.number(), questions: z.array(z.unknown()) });
