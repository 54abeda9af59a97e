import { OptionalProps, Entity, PrimaryKey, Property, Enum } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** One line of the audit log: who did what to which lesson/account, when, from where, and how it went. */
@Entity({ tableName: 'audit_log' })
export class AuditEntry {
  [OptionalProps]?: 'id' | 'actorId' | 'actorRole' | 'lessonId' | 'accountId' | 'ip' | 'detail';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'Date', columnType: 'timestamptz' })
  at!: Date;

  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Property({ type: 'string', length: 16, nullable: true })
  actorRole: string | null = null;

  @Property({ type: 'string', length: 64 })
  action!: string;

  @Property({ type: 'uuid', nullable: true })
  lessonId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  accountId: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Enum({ items: ['ok', 'error'], type: 'string' })
  outcome!: 'ok' | 'error';

  @Property({ type: 'json' })
  detail: Record<string, unknown> = {};
}
