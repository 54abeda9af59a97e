import { LIMITS } from '@tp/shared/constants';
import { isApiError } from '$lib/api/http.js';
import { errorMessage } from '$lib/i18n/errors.js';
import { t } from '$lib/i18n/i18n.svelte.js';

/** A start/end failure in the teacher's words. Call from the template so it follows the language. */
export function meetingErrorMessage(error: unknown): string {
  if (isApiError(error, 'rate/limited')) return t('meeting.rateLimited', { seconds: error.retryAfter ?? 60 });
  if (isApiError(error, 'provider/unavailable')) return t('meeting.providerError');
  if (isApiError(error, 'lesson/not-startable')) return t('meeting.notStartable', { minutes: LIMITS.startLeadMinutes });
  if (isApiError(error, 'lesson/not-live')) return t('meeting.notLive');
  return errorMessage(error);
}
