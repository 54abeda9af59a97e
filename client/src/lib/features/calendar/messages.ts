import { isApiError } from '$lib/api/http.js';
import { errorMessage } from '$lib/i18n/errors.js';
import { formatDateTime, t } from '$lib/i18n/i18n.svelte.js';
import type { CapacityWarningDto } from '@tp/shared';

/** A schedule refusal in words: a conflict names the lesson it clashes with. */
export function scheduleError(error: unknown): string {
  if (isApiError(error, 'lesson/invalid-duration')) return t('calendar.error.duration');
  if (isApiError(error, 'lesson/not-editable')) return t('calendar.error.notEditable');
  if (isApiError(error, 'group/archived')) return t('calendar.error.groupArchived');
  return errorMessage(error);
}

export function capacityNotice(warning: CapacityWarningDto): string {
  return t('calendar.capacityWarning', { time: formatDateTime(warning.startAt), scheduled: warning.scheduled, capacity: warning.capacity });
}
