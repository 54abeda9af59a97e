import type { GroupDto } from '@tp/shared';
import type { TestApp } from '../setup/app.js';
import { buildStudent, buildTeacher, type BuiltUser } from './users.js';

export interface BuiltGroup {
  group: GroupDto;
  teacher: BuiltUser;
  students: BuiltUser[];
}

/** A group of `teacher` (a new teacher if absent) with the given students (or `studentCount` new ones). */
export async function buildGroup(
  app: TestApp,
  options: { teacher?: BuiltUser; name?: string; students?: BuiltUser[]; studentCount?: number } = {},
): Promise<BuiltGroup> {
  const teacher = options.teacher ?? (await buildTeacher(app));
  const students = options.students ?? (await Promise.all(Array.from({ length: options.studentCount ?? 0 }, () => buildStudent(app))));
  const { groups } = app.ctx.services;
  const actor = { userId: teacher.user.id, role: 'teacher' as const };
  let group = await groups.create(actor, options.name ?? `Group ${Math.random().toString(36).slice(2, 7)}`);
  for (const student of students) group = await groups.addStudent(actor, group.id, student.user.email);
  return { group, teacher, students };
}
