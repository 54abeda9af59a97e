import { OptionalProps, Entity, PrimaryKey, Property, Enum } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ProviderName, ReleaseReason } from '@tp/shared';

/** A pooled video-provider account that hosts up to `capacity` meetings at once. */
@Entity({ tableName: 'meeting_accounts' })
export class MeetingAccount {
  [OptionalProps]?: 'id' | 'providerUserId' | 'credentialsSealed' | 'capacity' | 'active' | 'lastUsedAt' | 'pausedUntil' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Enum({ items: ['zoom', 'demo'], type: 'string' })
  provider!: ProviderName;

  @Property({ type: 'string', length: 200 })
  label!: string;

  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  providerUserId: string | null = null;

  /** AES-256-GCM sealed JSON; never serialised. */
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  credentialsSealed: string | null = null;

  @Property({ type: 'integer' })
  capacity: number = 1;

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  /** The provider refuses this account until then (a daily limit): reservations pass it over. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  pausedUntil: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}

/** Which account serves which lesson, from when, released when and why: the source of truth for occupancy. */
@Entity({ tableName: 'meeting_leases' })
export class MeetingLease {
  [OptionalProps]?: 'id' | 'releasedAt' | 'releaseReason' | 'meetingId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  accountId!: string;

  /** The account's capacity, kept in step by the (account_id, capacity) foreign key. */
  @Property({ type: 'integer' })
  capacity!: number;

  @Property({ type: 'integer' })
  slot!: number;

  @Property({ type: 'uuid' })
  lessonId!: string;

  @Property({ type: 'uuid' })
  teacherId!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  acquiredAt!: Date;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  releasedAt: Date | null = null;

  @Enum({ items: ['webhook', 'sweep', 'teacher', 'admin', 'failure'], type: 'string', nullable: true })
  releaseReason: ReleaseReason | null = null;

  /** Set once the provider created the meeting; null = reserved, not provisioned. */
  @Property({ type: 'string', nullable: true })
  meetingId: string | null = null;
}

/** A cloud recording the provider reported for a lesson's meeting. */
@Entity({ tableName: 'lesson_recordings' })
export class LessonRecording {
  [OptionalProps]?: 'id' | 'sizeBytes' | 'durationS' | 'recordedAt' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  lessonId!: string;

  @Property({ type: 'string' })
  meetingId!: string;

  @Property({ type: 'string', unique: true })
  recordingId!: string;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: 'bigint', nullable: true })
  sizeBytes: number | null = null;

  @Property({ type: 'integer', nullable: true })
  durationS: number | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  recordedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
