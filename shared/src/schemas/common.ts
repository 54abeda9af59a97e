import { z } from 'zod';
import { LIMITS } from '../limits.js';

/*
 * Every string and date the API accepts is built from the helpers below, so that what PostgreSQL,
 * JSON and the audit log cannot store is refused at the door with a 400 naming the field.
 */

/** A UTF-16 half without its partner: JSON carries it, PostgreSQL text and jsonb refuse it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const NUL_MESSAGE = 'must not contain the NUL character';
export const SURROGATE_MESSAGE = 'contains an unpaired surrogate (broken character)';

const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');

/** The text with NUL and lone surrogates replaced by U+FFFD, for what must be kept even if malformed. */
export function storableText(value: string): string {
  return value.replace(UNSTORABLE, '\uFFFD');
}

interface TextOptions {
  /** Default 1 (after trimming). */
  min?: number;
  /** Default true; passwords and opaque tokens keep their spaces. */
  trim?: boolean;
}

/**
 * The one string helper: trimmed, between `min` and `max` characters, and storable (no NUL, no
 * lone surrogates), each refusal with its own field message.
 */
export function text(max: number, { min = 1, trim = true }: TextOptions = {}) {
  const base = trim ? z.string().trim() : z.string();
  return base
    .min(min, min === 1 ? 'must not be empty' : `at least ${min} characters`)
    .max(max, `at most ${max} characters`)
    .refine((value) => !value.includes('\u0000'), { message: NUL_MESSAGE, abort: true })
    .refine((value) => !LONE_SURROGATE.test(value), { message: SURROGATE_MESSAGE, abort: true });
}

/** Dates outside these years are typos or probes; PostgreSQL has no year 0000 at all. */
export const YEAR_RANGE = { min: 1900, max: 2200 } as const;
export const YEAR_MESSAGE = `year must be between ${YEAR_RANGE.min} and ${YEAR_RANGE.max}`;
const saneYear = (value: string) => {
  const year = Number(value.slice(0, 4));
  return year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;
};
/** Milliseconds since the epoch of the first and last accepted instants. */
export const EPOCH_MS_RANGE = {
  min: Date.UTC(YEAR_RANGE.min, 0, 1),
  max: Date.UTC(YEAR_RANGE.max, 11, 31, 23, 59, 59, 999),
} as const;

export const uuid = z.uuid();
/** `yyyy-mm-ddThh:mm[:ss[.sss]]` with `Z` or an offset, in a sane year. */
export const isoInstant = z.iso.datetime({ offset: true }).refine(saneYear, YEAR_MESSAGE);
/** A real calendar date `yyyy-mm-dd` (no 2027-02-30) in a sane year. */
export const isoDate = z.iso.date().refine(saneYear, YEAR_MESSAGE);
/** An instant as milliseconds since the epoch, in the same sane years. */
export const epochMillis = z.number().int().min(EPOCH_MS_RANGE.min, YEAR_MESSAGE).max(EPOCH_MS_RANGE.max, YEAR_MESSAGE);
export const email = text(LIMITS.email.max)
  .pipe(z.email())
  .transform((value) => value.toLowerCase());
export const idParam = z.strictObject({ id: uuid });
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
  offset: z.coerce.number().int().min(0).default(0),
});
export const timezone = text(64).refine(isValidTimezone, 'unknown timezone');
export const locale = z.enum(['ru', 'en']);

/** An occurrence of a weekly rule is addressed as `rule:{ruleId}:{yyyy-mm-dd}` until it is stored. */
export interface OccurrenceRef {
  ruleId: string;
  date: string;
}
const OCCURRENCE_SHAPE = /^rule:([^:]{1,64}):([^:]{1,16})$/;

/**
 * The one parser of occurrence ids: a real uuid and a real date in a sane year, else null. Every
 * route taking a lesson id validates it with `eventId` (schedule.ts), which uses this, so a
 * malformed one never reaches SQL.
 */
export function parseOccurrenceId(id: string): OccurrenceRef | null {
  const match = OCCURRENCE_SHAPE.exec(id);
  if (!match) return null;
  const [, ruleId, date] = match;
  if (!isUuid(ruleId!) || !isoDate.safeParse(date).success) return null;
  return { ruleId: ruleId!.toLowerCase(), date: date! };
}

export const occurrenceId = (ruleId: string, date: string) => `rule:${ruleId}:${date}`;
export const isUuid = (value: string): boolean => uuid.safeParse(value).success;

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
