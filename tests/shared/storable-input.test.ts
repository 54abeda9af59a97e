import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as shared from '@tp/shared';
import { eventId, isoDate, isoInstant, parseOccurrenceId, registerBody, text, zoomWebhookEnvelope } from '@tp/shared';

/*
 * Every request schema the API accepts is built from the shared helpers, so every string field in
 * every body, query, param and socket payload refuses NUL and lone surrogates, and every date
 * field refuses year 0000. Walking the exported schemas keeps a new schema from slipping past.
 */

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def | null => ((schema as { _zod?: { def?: Def } })?._zod?.def ?? null);

/** Output shapes (`*Dto`) describe our own answers and are never parsed from a request. */
const requestSchemas = Object.entries(shared).filter(([name, value]) => defOf(value) && !/Dto$/.test(name)) as Array<[string, z.ZodType]>;

interface Leaf {
  path: string;
  schema: z.ZodType;
  format: string | undefined;
}

function leaves(schema: z.ZodType, path: string, out: Leaf[] = []): Leaf[] {
  const def = defOf(schema);
  if (!def) return out;
  const child = (key: string) => def[key] as z.ZodType;
  switch (def.type) {
    case 'string':
      out.push({ path, schema, format: (schema as unknown as { format?: string }).format ?? undefined });
      break;
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) leaves(value, `${path}.${key}`, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      leaves(child('innerType'), path, out);
      break;
    case 'pipe':
      // What reaches `out` has already passed `in`.
      leaves(child('in'), path, out);
      break;
    case 'union':
      (def.options as z.ZodType[]).forEach((option, index) => leaves(option, `${path}|${index}`, out));
      break;
    case 'array':
      leaves(child('element'), `${path}[]`, out);
      break;
    case 'record':
      leaves(child('keyType'), `${path}{key}`, out);
      leaves(child('valueType'), `${path}{}`, out);
      break;
    case 'intersection':
      leaves(child('left'), path, out);
      leaves(child('right'), path, out);
      break;
    case 'lazy':
      break;
  }
  return out;
}

const allLeaves = requestSchemas.flatMap(([name, schema]) => leaves(schema, name));

describe('the one text helper', () => {
  const name = text(10);
  it.each([
    ['a\u0000b', 'must not contain the NUL character'],
    ['x\ud800y', 'contains an unpaired surrogate (broken character)'],
    ['\udc00x', 'contains an unpaired surrogate (broken character)'],
    ['   ', 'must not be empty'],
    ['a'.repeat(11), 'at most 10 characters'],
  ])('refuses %j with a field message', (value, message) => {
    const result = name.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe(message);
  });

  it('trims, and keeps well-formed characters beyond the basic plane', () => {
    expect(name.parse('  Ann  ')).toBe('Ann');
    expect(name.parse('x😀y')).toBe('x😀y');
    expect(text(10, { trim: false }).parse(' p ')).toBe(' p ');
  });
});

describe('dates', () => {
  it.each(['0000-01-01', '1899-12-31', '2201-01-01', '2027-02-30', '2026-13-01', '9999-12-31'])('refuses the date %s', (value) => {
    expect(isoDate.safeParse(value).success).toBe(false);
  });
  it.each(['1900-01-01', '2028-02-29', '2200-12-31'])('accepts the date %s', (value) => {
    expect(isoDate.safeParse(value).success).toBe(true);
  });
  it('refuses instants in year 0000 and accepts ordinary ones', () => {
    expect(isoInstant.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
    expect(isoInstant.safeParse('2026-09-01T08:00:00+03:00').success).toBe(true);
  });
  it('refuses a birth date in year 0000 at registration', () => {
    const base = { email: 'a@b.co', password: 'Good1Password', firstName: 'A', lastName: 'B', role: 'student' };
    expect(registerBody.safeParse({ ...base, birthDate: '2001-02-28' }).success).toBe(true);
    expect(registerBody.safeParse({ ...base, birthDate: '0000-01-01' }).success).toBe(false);
  });
  it('refuses absurd webhook event times', () => {
    expect(zoomWebhookEnvelope.safeParse({ event: 'meeting.ended', event_ts: 9007199254740991 }).success).toBe(false);
    expect(zoomWebhookEnvelope.safeParse({ event: 'meeting.ended', event_ts: -9007199254740991 }).success).toBe(false);
    expect(zoomWebhookEnvelope.safeParse({ event: 'meeting.ended', event_ts: 1_790_000_000_000 }).success).toBe(true);
  });
});

describe('occurrence ids', () => {
  const rule = '2b0c3f38-5f7e-4b8e-9d0a-1c2d3e4f5a6b';
  it.each([
    'rule:ffffffffffffffffffffffffffffffffffff:2027-01-01',
    `rule:${rule}:2027-02-30`,
    `rule:${rule}:0000-01-01`,
    `rule:${rule}:2027-1-1`,
    `rule:${rule}:2027-01-01:x`,
    `rule:${rule.replace(/-/g, '')}abcd:2027-01-01`,
    'rule:---------------------------------------:2027-01-01',
    `rule:${rule}:2027-01-01\u0000`,
  ])('refuses %j', (id) => {
    expect(parseOccurrenceId(id)).toBeNull();
    expect(eventId.safeParse(id).success).toBe(false);
  });
  it('parses a well-formed one, upper-case uuid included', () => {
    expect(parseOccurrenceId(`rule:${rule.toUpperCase()}:2027-02-28`)).toEqual({ ruleId: rule, date: '2027-02-28' });
    expect(eventId.safeParse(rule).success).toBe(true);
  });
});

describe('every request schema', () => {
  it('is found by the walk (the walk itself works)', () => {
    expect(requestSchemas.length).toBeGreaterThan(30);
    expect(allLeaves.some((leaf) => leaf.path === 'registerBody.firstName')).toBe(true);
    expect(allLeaves.some((leaf) => leaf.path === 'auditQuery.action')).toBe(true);
  });

  it('refuses NUL and lone surrogates in every string field', () => {
    const accepting = allLeaves
      .filter((leaf) => ['a\u0000b', 'x\ud800y', '2026-01-01\u0000', 'ab\udc00'].some((value) => leaf.schema.safeParse(value).success))
      .map((leaf) => leaf.path);
    expect(accepting).toEqual([]);
  });

  it('refuses year 0000 in every date field', () => {
    const dates = allLeaves.filter((leaf) => leaf.format === 'date' || leaf.format === 'datetime');
    expect(dates.length).toBeGreaterThan(5);
    const accepting = dates.filter((leaf) => leaf.schema.safeParse(leaf.format === 'date' ? '0000-01-01' : '0000-01-01T00:00:00Z').success).map((leaf) => leaf.path);
    expect(accepting).toEqual([]);
  });
});
