import { isApiError } from '$lib/api/http.js';
import { errorMessage } from '$lib/i18n/errors.js';
import { t } from '$lib/i18n/i18n.svelte.js';

/** A groups refusal in words. */
export function groupError(error: unknown): string {
  if (isApiError(error, 'group/student-not-found')) return t('groups.error.studentNotFound');
  if (isApiError(error, 'group/invite-invalid')) return t('groups.error.inviteInvalid');
  if (isApiError(error, 'group/archived')) return t('groups.error.archived');
  if (isApiError(error, 'group/not-found')) return t('groups.error.notFound');
  return errorMessage(error);
}
