import type { GroupDto } from '@tp/shared';
import type { GroupRow, MemberRow } from './groups.repository.js';

/** The invite code is for the owner and admins only; students get the name and the teacher. */
export function toGroupDto(group: GroupRow, options: { showInvite: boolean; students?: MemberRow[] }): GroupDto {
  const dto: GroupDto = {
    id: group.id,
    name: group.name,
    teacherId: group.teacherId,
    teacherName: group.teacherName,
    archived: group.archivedAt !== null,
    inviteCode: options.showInvite ? group.inviteCode : null,
    studentCount: group.studentCount,
    createdAt: group.createdAt.toISOString(),
  };
  if (options.students) {
    dto.students = options.students.map((s) => ({ id: s.id, email: s.email, firstName: s.firstName, lastName: s.lastName }));
  }
  return dto;
}
