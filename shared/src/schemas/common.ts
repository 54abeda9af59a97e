import { z } from 'zod';
import { LIMITS } from '../limits.js';

export const uuid = z.uuid();
export const isoInstant = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();
export const email = z
  .string()
  .trim()
  .max(LIMITS.email.max)
  .pipe(z.email())
  .transform((value) => value.toLowerCase());
export const idParam = z.strictObject({ id: uuid });
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
  offset: z.coerce.number().int().min(0).default(0),
});
export const timezone = z.string().min(1).max(64).refine(isValidTimezone, 'unknown timezone');
export const locale = z.enum(['ru', 'en']);

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
