/**
 * Plain values both ends use. Nothing here imports zod, so the browser takes its values from this
 * module (and `limits`) and never bundles the schemas; it imports the rest as types only.
 */
export { LIMITS } from './limits.js';

export const ROLES = ['student', 'teacher', 'admin'] as const;
export const WEEK_TYPES = ['ALL', 'UPPER', 'LOWER'] as const;

export const rooms = {
  user: (id: string) => `user:${id}`,
  group: (id: string) => `group:${id}`,
  teacher: (id: string) => `teacher:${id}`,
  lesson: (id: string) => `lesson:${id}`,
  role: (role: (typeof ROLES)[number]) => `role:${role}`,
  adminPool: 'admin:pool',
} as const;
