import { User } from './users/user.entity.js';
import { RefreshToken, ActionToken, OAuthIdentity } from './auth/auth.entity.js';
import { Group, GroupMember } from './groups/group.entity.js';
import { Lesson, RecurringRule } from './schedule/schedule.entity.js';
import { MeetingAccount, MeetingLease, LessonRecording } from './pool/pool.entity.js';
import { AuditEntry } from './audit/audit.entity.js';
import { homeworkEntities } from './homework/homework.entity.js';
import { attendanceEntities } from './attendance/attendance.entity.js';

/** Every entity the ORM knows; a module adds its own here. */
export const allEntities = [User, RefreshToken, ActionToken, OAuthIdentity, Group, GroupMember, Lesson, RecurringRule, MeetingAccount, MeetingLease, LessonRecording, AuditEntry, ...homeworkEntities, ...attendanceEntities];
