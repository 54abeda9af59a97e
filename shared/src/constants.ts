/**
 * Plain values both ends use. Nothing here imports zod, so the browser takes its values from this
 * module (and `limits`) and never bundles the schemas; it imports the rest as types only.
 */
export { LIMITS } from './limits.js';

export const ROLES = ['student', 'teacher', 'admin'] as const;
export const WEEK_TYPES = ['ALL', 'UPPER', 'LOWER'] as const;

export const HOMEWORK_STATUSES = ['draft', 'published', 'closed'] as const;
export const HOMEWORK_GRADE_BY = ['best', 'last'] as const;
export const HOMEWORK_RELEASE = ['immediately', 'after_due', 'manual'] as const;
export const QUESTION_TYPES = [
  'single_choice',
  'multiple_response',
  'true_false',
  'short_answer',
  'numeric',
  'matching',
  'ordering',
  'cloze',
  'free_text',
] as const;
export const ORDERING_GRADING = ['all_or_nothing', 'relative_to_correct_position', 'longest_ordered_subsequence'] as const;

export const rooms = {
  user: (id: string) => `user:${id}`,
  group: (id: string) => `group:${id}`,
  teacher: (id: string) => `teacher:${id}`,
  lesson: (id: string) => `lesson:${id}`,
  role: (role: (typeof ROLES)[number]) => `role:${role}`,
  adminPool: 'admin:pool',
} as const;

/** What a user can be told about (the bell and email), in the order the settings table lists them. */
export const NOTIFICATION_KINDS = ['lesson_starting', 'lesson_moved', 'lesson_cancelled', 'homework_assigned', 'homework_graded', 'homework_due', 'chat_direct', 'chat_mention'] as const;
