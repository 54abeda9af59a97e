import { OptionalProps, Entity, PrimaryKey, Property, Enum, Index } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Role } from '@tp/shared';

@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'id' | 'passwordHash' | 'birthDate' | 'phone' | 'timezone' | 'locale' | 'emailVerified' | 'weekAnchorDate' | 'active' | 'createdAt' | 'confirmReminderAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stored lower-case; unique. */
  @Property({ type: 'string', length: 254, unique: true })
  email!: string;

  @Property({ type: 'string', nullable: true, hidden: true, lazy: true })
  passwordHash: string | null = null;

  @Enum({ items: ['student', 'teacher', 'admin'], type: 'string' })
  role!: Role;

  @Property({ type: 'string', length: 80 })
  firstName!: string;

  @Property({ type: 'string', length: 80 })
  lastName!: string;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  birthDate: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  phone: string | null = null;

  @Property({ type: 'string', length: 64 })
  timezone: string = 'Europe/Moscow';

  @Property({ type: 'string', length: 2 })
  locale: 'ru' | 'en' = 'ru';

  @Property({ type: 'boolean' })
  emailVerified: boolean = false;

  /** First week of the upper/lower alternation; null = 1 September of the academic year. */
  @Property({ type: 'string', columnType: 'date', nullable: true })
  weekAnchorDate: string | null = null;

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Index()
  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  confirmReminderAt: Date | null = null;
}
