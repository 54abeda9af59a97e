import { OptionalProps, Entity, PrimaryKey, Property, ManyToOne, Enum } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { LessonStatus, WeekType } from '@tp/shared';
import { User } from '../users/user.entity.js';
import { Group } from '../groups/group.entity.js';

/** A weekly rule; occurrences are expanded on the fly and stored only when they diverge. */
@Entity({ tableName: 'recurring_rules' })
export class RecurringRule {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Group, deleteRule: 'cascade' })
  group!: Group;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  teacher!: User;

  @Property({ type: 'string', length: 200 })
  title!: string;

  /** ISO day of week, 1 = Monday. */
  @Property({ type: 'smallint' })
  dayOfWeek!: number;

  @Enum({ items: ['ALL', 'UPPER', 'LOWER'], type: 'string' })
  weekType!: WeekType;

  /** Wall-clock `HH:mm` in `timezone`. */
  @Property({ type: 'string', length: 5 })
  startTime!: string;

  @Property({ type: 'string', length: 5 })
  endTime!: string;

  @Property({ type: 'string', length: 64 })
  timezone!: string;

  @Property({ type: 'string', columnType: 'date' })
  startDate!: string;

  @Property({ type: 'string', columnType: 'date' })
  endDate!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}

@Entity({ tableName: 'lessons' })
export class Lesson {
  [OptionalProps]?: 'id' | 'status' | 'ruleId' | 'occurrenceDate' | 'meetingProvider' | 'meetingAccountId' | 'meetingId' | 'meetingUuid' | 'joinUrl' | 'startUrl' | 'startUrlIssuedAt' | 'meetingPassword' | 'startedAt' | 'endedAt' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Group, deleteRule: 'cascade' })
  group!: Group;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  teacher!: User;

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  startAt!: Date;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  endAt!: Date;

  @Enum({ items: ['scheduled', 'live', 'completed', 'cancelled'], type: 'string' })
  status: LessonStatus = 'scheduled';

  /** Set when this lesson is a materialised occurrence of a rule. */
  @Property({ type: 'uuid', nullable: true })
  ruleId: string | null = null;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  occurrenceDate: string | null = null;

  // Meeting fields, filled by the pool when the lesson starts.
  @Property({ type: 'string', nullable: true })
  meetingProvider: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  meetingAccountId: string | null = null;

  @Property({ type: 'string', nullable: true })
  meetingId: string | null = null;

  @Property({ type: 'string', nullable: true })
  meetingUuid: string | null = null;

  @Property({ type: 'text', nullable: true })
  joinUrl: string | null = null;

  /** Host-only link; never sent to students. */
  @Property({ type: 'text', nullable: true, hidden: true })
  startUrl: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  startUrlIssuedAt: Date | null = null;

  @Property({ type: 'string', nullable: true })
  meetingPassword: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
