import type { UserDto } from '@tp/shared';
import type { User } from './user.entity.js';

/** The public view of a user; the password hash never leaves the server. */
export function presentUser(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    firstName: user.firstName,
    lastName: user.lastName,
    birthDate: user.birthDate,
    phone: user.phone,
    timezone: user.timezone,
    locale: user.locale,
    emailVerified: user.emailVerified,
    weekAnchorDate: user.weekAnchorDate,
    active: user.active,
    createdAt: user.createdAt.toISOString(),
  };
}
