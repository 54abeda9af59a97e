import { LIMITS } from '@tp/shared/constants';
import { ApiError } from '../api/errors.js';
import { formatDateTime, t, type MessageKey } from './i18n.svelte.js';

const byCode: Partial<Record<ApiError['code'], MessageKey>> = {
  'network/offline': 'error.network',
  'auth/invalid-credentials': 'error.invalidCredentials',
  'auth/email-taken': 'error.emailTaken',
  'auth/weak-password': 'error.weakPassword',
  'auth/token-invalid': 'error.tokenInvalid',
  'auth/token-expired': 'error.tokenExpired',
  'auth/role-required': 'error.roleRequired',
  'auth/forbidden': 'error.forbidden',
  'user/inactive': 'error.userInactive',
  'request/invalid': 'error.fieldsInvalid',
  'job/not-found': 'jobs.notFound',
};

/**
 * A readable, translated message for a failed call. Render it in the template (not at catch time)
 * so it follows a language switch.
 */
export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.generic');
  if (error.code === 'rate/limited') return t('error.rateLimited', { seconds: error.retryAfter ?? 60 });
  // A clash names the lesson in the way, wherever it comes from (a lesson, a rule, a week anchor, an archived group).
  if (error.code === 'schedule/conflict' && error.fields.conflictTitle && error.fields.conflictStartAt) {
    return t('calendar.error.conflict', { title: error.fields.conflictTitle, time: formatDateTime(error.fields.conflictStartAt) });
  }
  const key = byCode[error.code];
  if (key) return t(key);
  return error.message || t('error.generic');
}

/** Server field errors are English sentences from zod; show ours where we know the field's rule. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const message = error.fields[field];
  if (!message) return undefined;
  if (field === 'email') return t('error.invalidEmail');
  if (field === 'password' && error.code !== 'auth/invalid-credentials') return t('password.hint', { min: LIMITS.password.min });
  return message;
}
