import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Role } from '@tp/shared';
import type { TestApp } from '../setup/app.js';
import { User } from '../../server/src/modules/users/user.entity.js';
import { PASSWORD_HASH_OPTIONS } from '../../server/src/infra/password-hasher.js';

export const DEFAULT_PASSWORD = 'Passw0rd!';
let cachedHash: string | undefined;

export interface BuiltUser {
  user: User;
  password: string;
  /** A valid access token for this user. */
  token: string;
}

/** Inserts a user (teacher by default) with a known password and returns a token for it. */
export async function buildUser(app: TestApp, overrides: Partial<Pick<User, 'email' | 'role' | 'firstName' | 'lastName' | 'timezone' | 'weekAnchorDate' | 'locale'>> & { password?: string } = {}): Promise<BuiltUser> {
  const password = overrides.password ?? DEFAULT_PASSWORD;
  const hash = password === DEFAULT_PASSWORD ? (cachedHash ??= await argon2.hash(DEFAULT_PASSWORD, PASSWORD_HASH_OPTIONS)) : await argon2.hash(password, PASSWORD_HASH_OPTIONS);
  const em = app.infra.orm.em.fork();
  const user = em.create(User, {
    id: randomUUID(),
    email: (overrides.email ?? `user-${randomUUID().slice(0, 8)}@example.test`).toLowerCase(),
    passwordHash: hash,
    role: overrides.role ?? ('teacher' as Role),
    firstName: overrides.firstName ?? 'Test',
    lastName: overrides.lastName ?? 'User',
    timezone: overrides.timezone ?? 'Europe/Moscow',
    locale: overrides.locale ?? 'en',
    weekAnchorDate: overrides.weekAnchorDate ?? null,
    createdAt: app.clock.now(),
  });
  await em.persistAndFlush(user);
  const { token } = await app.infra.tokens.sign(user.id, user.role);
  return { user, password, token };
}

export const buildTeacher = (app: TestApp, overrides: Parameters<typeof buildUser>[1] = {}) => buildUser(app, { ...overrides, role: 'teacher' });
export const buildStudent = (app: TestApp, overrides: Parameters<typeof buildUser>[1] = {}) => buildUser(app, { ...overrides, role: 'student' });
export const buildAdmin = (app: TestApp, overrides: Parameters<typeof buildUser>[1] = {}) => buildUser(app, { ...overrides, role: 'admin' });
