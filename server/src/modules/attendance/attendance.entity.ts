import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { AttendanceStatus } from '@tp/shared';

/** The tables of `Migration20261202000012_attendance`; the repository reads and writes them with SQL. */
@Entity({ tableName: 'attendance_settings' })
export class AttendanceSettings {
  @PrimaryKey({ type: 'uuid' }) groupId!: string;
  @Property({ type: 'smallint' }) pointsPresent = 2;
  @Property({ type: 'smallint' }) pointsLate = 1;
  @Property({ type: 'smallint' }) pointsExcused = 1;
  @Property({ type: 'smallint' }) pointsAbsent = 0;
  @Property({ type: 'smallint' }) maxPoints = 2;
  @Property({ type: 'smallint' }) lateAfterMinutes = 10;
  @Property({ type: 'Date', columnType: 'timestamptz' }) updatedAt!: Date;
}

/** The teacher's confirmed mark; suggestions are never stored, they are worked out when the view opens. */
@Entity({ tableName: 'attendance_marks' })
export class AttendanceMark {
  @PrimaryKey({ type: 'uuid' }) lessonId!: string;
  @PrimaryKey({ type: 'uuid' }) studentId!: string;
  @Property({ type: 'uuid' }) groupId!: string;
  @Property({ type: 'string', length: 8 }) status!: AttendanceStatus;
  @Property({ type: 'string', length: 500, nullable: true }) comment: string | null = null;
  @Property({ type: 'uuid' }) markedBy!: string;
  @Property({ type: 'Date', columnType: 'timestamptz' }) markedAt!: Date;
}

/** One stay of someone in a lesson's provider meeting (Zoom participant joined → left). */
@Entity({ tableName: 'meeting_participants' })
export class MeetingParticipant {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) lessonId!: string;
  @Property({ type: 'string', length: 16 }) provider!: string;
  @Property({ type: 'string', length: 64 }) meetingId!: string;
  @Property({ type: 'string', length: 255 }) participantKey!: string;
  @Property({ type: 'string', length: 200 }) name!: string;
  @Property({ type: 'string', length: 254, nullable: true }) email: string | null = null;
  @Property({ type: 'Date', columnType: 'timestamptz' }) joinedAt!: Date;
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true }) leftAt: Date | null = null;
  @Property({ type: 'uuid', nullable: true }) assignedStudentId: string | null = null;
}

export const attendanceEntities = [AttendanceSettings, AttendanceMark, MeetingParticipant];
