import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { email, text, uuid } from './common.js';

const groupName = text(LIMITS.groupName.max);
export const createGroupBody = z.strictObject({ name: groupName });
export const updateGroupBody = z.strictObject({
  name: groupName.optional(),
  archived: z.boolean().optional(),
});
export const addStudentBody = z.strictObject({ email });
export const joinGroupBody = z.strictObject({ code: text(64, { min: 4 }) });
export const groupStudentParams = z.strictObject({ id: uuid, studentId: uuid });
export const groupsQuery = z.strictObject({
  archived: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** Admins only: one teacher's groups. */
  teacherId: uuid.optional(),
});

export const groupStudentDto = z.object({
  id: uuid,
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
});
export const groupDto = z.object({
  id: uuid,
  name: z.string(),
  teacherId: uuid,
  teacherName: z.string(),
  archived: z.boolean(),
  /** Only the owner teacher (and admins) see the invite code. */
  inviteCode: z.string().nullable(),
  studentCount: z.number(),
  students: z.array(groupStudentDto).optional(),
  createdAt: z.string(),
});
export type GroupDto = z.infer<typeof groupDto>;
export type GroupStudentDto = z.infer<typeof groupStudentDto>;

/** Response bodies of the groups API. */
export const groupResponseDto = z.object({ group: groupDto });
export const groupsResponseDto = z.object({ groups: z.array(groupDto) });
