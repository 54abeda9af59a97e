import { OptionalProps, Entity, PrimaryKey, Property, ManyToOne } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from '../users/user.entity.js';

@Entity({ tableName: 'groups' })
export class Group {
  [OptionalProps]?: 'id' | 'archivedAt' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => User, deleteRule: 'restrict' })
  teacher!: User;

  @Property({ type: 'string', length: 120 })
  name!: string;

  @Property({ type: 'string', length: 64, unique: true })
  inviteCode!: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  archivedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}

@Entity({ tableName: 'group_members' })
export class GroupMember {
  [OptionalProps]?: 'joinedAt';

  @ManyToOne({ entity: () => Group, primary: true, deleteRule: 'cascade' })
  group!: Group;

  @ManyToOne({ entity: () => User, primary: true, deleteRule: 'cascade' })
  student!: User;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  joinedAt: Date = new Date();
}
