import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { ROLES } from '../constants.js';
import { email, isoDate, locale, text, timezone, uuid } from './common.js';

export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;
export const selfServiceRole = z.enum(['student', 'teacher']);

/** At least 8 characters with a lower-case letter, an upper-case letter and a digit. */
export const password = text(LIMITS.password.max, { min: LIMITS.password.min, trim: false }).refine((v) => /[a-z]/.test(v) && /[A-Z]/.test(v) && /\d/.test(v), {
    message: 'needs a lower-case letter, an upper-case letter and a digit',
  });

const personName = text(LIMITS.name.max);
/** One-time tokens from emailed links; opaque, so never trimmed. */
const linkToken = text(200, { min: 10, trim: false });

export const chooseRoleBody = z.strictObject({ role: selfServiceRole });
export const credentialsBody = z.strictObject({
  email,
  password: text(LIMITS.password.max, { trim: false }),
});
export const registerBody = z.strictObject({
  email,
  password,
  firstName: personName,
  lastName: personName,
  role: selfServiceRole,
  birthDate: isoDate.optional(),
  timezone: timezone.optional(),
  locale: locale.optional(),
});
export const passwordResetBody = z.strictObject({ email });
export const passwordResetConfirmBody = z.strictObject({
  token: linkToken,
  password,
});
export const confirmEmailBody = z.strictObject({ token: linkToken });
export const updateProfileBody = z.strictObject({
  firstName: personName.optional(),
  lastName: personName.optional(),
  timezone: timezone.optional(),
  locale: locale.optional(),
  phone: text(32, { min: 0 }).nullable().optional(),
  birthDate: isoDate.nullable().optional(),
  weekAnchorDate: isoDate.nullable().optional(),
});

export const userDto = z.object({
  id: uuid,
  email: z.string(),
  role,
  firstName: z.string(),
  lastName: z.string(),
  birthDate: z.string().nullable(),
  phone: z.string().nullable(),
  timezone: z.string(),
  locale,
  emailVerified: z.boolean(),
  weekAnchorDate: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export type UserDto = z.infer<typeof userDto>;
export interface AuthResult {
  accessToken: string;
  user: UserDto;
}

export const adminCreateUserBody = z.strictObject({
  email,
  password,
  role,
  firstName: personName,
  lastName: personName,
  timezone: timezone.optional(),
  locale: locale.optional(),
});
export const adminUpdateUserBody = z.strictObject({
  email: email.optional(),
  firstName: personName.optional(),
  lastName: personName.optional(),
  role: role.optional(),
  active: z.boolean().optional(),
  password: password.optional(),
});
export const adminUsersQuery = z.strictObject({
  role: role.optional(),
  q: text(100, { min: 0 }).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
  offset: z.coerce.number().int().min(0).default(0),
});
export type RegisterBody = z.infer<typeof registerBody>;

export const OAUTH_PROVIDERS = ['vk', 'yandex'] as const;
export const oauthProviderParam = z.strictObject({ provider: z.enum(OAUTH_PROVIDERS) });
/** Providers add their own extra parameters to the redirect back, so unknown keys are tolerated here. */
export const oauthCallbackQuery = z.looseObject({
  code: text(2048, { trim: false }).optional(),
  state: text(512, { trim: false }).optional(),
  error: text(200, { min: 0 }).optional(),
});
