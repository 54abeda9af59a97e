import { isApiError } from '$lib/api/http.js';
import { errorMessage } from '$lib/i18n/errors.js';
import { t } from '$lib/i18n/i18n.svelte.js';

/** A homework refusal in words. */
export function homeworkError(error: unknown): string {
  if (isApiError(error, 'homework/not-found') || isApiError(error, 'attempt/not-found')) return t('homework.error.notFound');
  if (isApiError(error, 'homework/not-editable')) return t('homework.error.notEditable');
  if (isApiError(error, 'homework/not-open')) return t('homework.error.notOpen');
  if (isApiError(error, 'homework/attempts-exhausted')) return t('homework.error.attemptsExhausted');
  if (isApiError(error, 'homework/invalid-question')) return t('homework.error.invalidQuestion', { detail: detail(error) });
  if (isApiError(error, 'homework/invalid-answer')) return t('homework.error.invalidAnswer');
  if (isApiError(error, 'homework/gift-invalid')) return t('homework.error.giftInvalid');
  if (isApiError(error, 'attempt/submitted')) return t('homework.error.submitted');
  return errorMessage(error);
}

function detail(error: unknown): string {
  if (!isApiError(error)) return '';
  return Object.entries(error.fields)
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ') || error.message;
}
