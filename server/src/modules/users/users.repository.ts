import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { Role } from '@tp/shared';
import type { Orm } from '../../infra/db.js';
import { AppError } from '../../infra/errors.js';
import { User } from './user.entity.js';

export type NewUser = Pick<User, 'email' | 'role' | 'firstName' | 'lastName'> &
  Partial<Pick<User, 'passwordHash' | 'birthDate' | 'phone' | 'timezone' | 'locale' | 'emailVerified' | 'createdAt'>>;

export type UserPatch = Partial<
  Pick<User, 'email' | 'firstName' | 'lastName' | 'timezone' | 'locale' | 'phone' | 'birthDate' | 'weekAnchorDate' | 'role' | 'active' | 'emailVerified' | 'passwordHash'>
>;

export interface UserListFilter {
  role?: Role;
  q?: string;
  limit: number;
  offset: number;
}

/** The only code that reads or writes the users table. */
export class UsersRepository {
  constructor(private readonly orm: Orm) {}

  findById(id: string): Promise<User | null> {
    return this.orm.em.fork().findOne(User, { id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.orm.em.fork().findOne(User, { email: email.toLowerCase() });
  }

  listByIds(ids: string[]): Promise<User[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.orm.em.fork().find(User, { id: { $in: [...new Set(ids)] } }, { orderBy: { lastName: 'asc', firstName: 'asc' } });
  }

  /**
   * The stored hash is lazy and hidden; only sign-in asks for it. Plain SQL mapped onto the entity:
   * a whole class signs in at once, and the query builder costs more than the query here.
   */
  async findWithPasswordHash(email: string): Promise<{ user: User; passwordHash: string | null } | null> {
    const em = this.orm.em.fork();
    const [row] = await em.getConnection().execute<Array<Record<string, unknown>>>('select * from users where email = ? limit 1', [email.toLowerCase()]);
    if (!row) return null;
    return { user: em.map(User, row), passwordHash: (row.password_hash as string | null) ?? null };
  }

  async insert(data: NewUser): Promise<User> {
    const em = this.orm.em.fork();
    const user = em.create(User, { ...data, email: data.email.toLowerCase() });
    try {
      await em.persistAndFlush(user);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw emailTaken();
      throw error;
    }
    return user;
  }

  async update(id: string, patch: UserPatch): Promise<User | null> {
    const em = this.orm.em.fork();
    const user = await em.findOne(User, { id });
    if (!user) return null;
    em.assign(user, patch);
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw emailTaken();
      throw error;
    }
    return user;
  }

  async count(): Promise<number> {
    return this.orm.em.fork().count(User, {});
  }

  async list(filter: UserListFilter): Promise<{ items: User[]; total: number }> {
    const where: FilterQuery<User> = {};
    if (filter.role) where.role = filter.role;
    if (filter.q) {
      const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ email: { $ilike: like } }, { firstName: { $ilike: like } }, { lastName: { $ilike: like } }];
    }
    const [items, total] = await this.orm.em.fork().findAndCount(User, where, {
      orderBy: { createdAt: 'desc', id: 'asc' },
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items, total };
  }

  /**
   * Marks up to `limit` unconfirmed, active users older than `createdBefore` whose last reminder was
   * before `remindedBefore` as reminded now, and returns them. Row locks with SKIP LOCKED make two
   * workers ticking at once pick different users, so nobody is nagged twice.
   */
  async claimConfirmReminders(now: Date, createdBefore: Date, remindedBefore: Date, limit: number): Promise<User[]> {
    const rows: Array<{ id: string }> = await this.orm.em.fork().getConnection().execute(
      `update users set confirm_reminder_at = ?
        where id in (
          select id from users
           where email_verified = false and active = true and created_at < ?
             and (confirm_reminder_at is null or confirm_reminder_at < ?)
           order by created_at
           limit ?
           for update skip locked)
        returning id`,
      [now, createdBefore, remindedBefore, limit],
    );
    return this.listByIds(rows.map((row) => row.id));
  }
}

export const emailTaken = () => new AppError('auth/email-taken', 'An account with this email already exists');
