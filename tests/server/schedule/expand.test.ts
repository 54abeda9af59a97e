import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  addDays,
  dayNumber,
  defaultAnchorDay,
  expandRule,
  expandWholeRule,
  isOccurrenceDate,
  isoInstant,
  isoDateOfDay,
  isoWeekday,
  occurrenceAt,
  parseOccurrenceId,
  weekParity,
  zonedEpochMs,
  type RuleSpec,
} from '../../../server/src/modules/schedule/expand.js';

const RULE_ID = '11111111-1111-4111-8111-111111111111';
const rule = (overrides: Partial<RuleSpec> = {}): RuleSpec => ({
  id: RULE_ID,
  dayOfWeek: 1,
  weekType: 'ALL',
  startTime: '18:00',
  endTime: '19:30',
  timezone: 'Europe/Moscow',
  startDate: '2025-09-01',
  endDate: '2026-05-31',
  ...overrides,
});
const at = (iso: string) => new Date(iso);
const dates = (spec: RuleSpec, from: string, to: string, anchor: string | null = null) => expandRule(spec, at(from), at(to), anchor).map((o) => o.date);
const parity = (date: string, anchor: string | null = null) => weekParity(dayNumber(date), anchor);

describe('day arithmetic', () => {
  it('round-trips dates and knows weekdays', () => {
    for (const date of ['1970-01-01', '2000-02-29', '2025-09-01', '2026-12-31', '2028-02-29']) {
      expect(isoDateOfDay(dayNumber(date))).toBe(date);
      expect(isoWeekday(dayNumber(date))).toBe(DateTime.fromISO(date).weekday);
    }
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('puts Sep 1 … Aug 31 in one academic year', () => {
    expect(isoDateOfDay(defaultAnchorDay(dayNumber('2025-09-01')))).toBe('2025-09-01');
    expect(isoDateOfDay(defaultAnchorDay(dayNumber('2026-08-31')))).toBe('2025-09-01');
    expect(isoDateOfDay(defaultAnchorDay(dayNumber('2026-09-01')))).toBe('2026-09-01');
    expect(isoDateOfDay(defaultAnchorDay(dayNumber('2026-01-15')))).toBe('2025-09-01');
  });
});

describe('week parity', () => {
  it('makes the anchor week UPPER and alternates from there (default anchor)', () => {
    // 2025-09-01 is a Monday.
    expect(parity('2025-09-01')).toBe('UPPER');
    expect(parity('2025-09-07')).toBe('UPPER');
    expect(parity('2025-09-08')).toBe('LOWER');
    expect(parity('2025-09-14')).toBe('LOWER');
    expect(parity('2025-09-15')).toBe('UPPER');
  });

  it('counts from the ISO week of a mid-week anchor', () => {
    // 2026-09-01 is a Tuesday: Monday 2026-08-31 is in the same week but in the previous academic year.
    expect(parity('2026-09-01')).toBe('UPPER');
    expect(parity('2026-09-06')).toBe('UPPER');
    expect(parity('2026-09-07')).toBe('LOWER');
    // 52 weeks after 2025-09-01: UPPER by the previous year's count.
    expect(parity('2026-08-31')).toBe('UPPER');
    expect(parity('2026-08-24')).toBe('LOWER');
  });

  it('restarts the count at the academic-year boundary', () => {
    // 2027-08-30 is 52 weeks after Monday 2026-08-31, the week of the 2026 anchor; Sep 1 2027 is a Wednesday.
    expect(parity('2027-08-23')).toBe('LOWER');
    expect(parity('2027-08-30')).toBe('UPPER');
    expect(parity('2027-09-01')).toBe('UPPER');
    expect(parity('2027-09-06')).toBe('LOWER');
  });

  it('uses a teacher-chosen anchor in both directions', () => {
    const anchor = '2026-02-11'; // a Wednesday
    expect(parity('2026-02-09', anchor)).toBe('UPPER');
    expect(parity('2026-02-15', anchor)).toBe('UPPER');
    expect(parity('2026-02-16', anchor)).toBe('LOWER');
    expect(parity('2026-02-08', anchor)).toBe('LOWER');
    expect(parity('2026-02-01', anchor)).toBe('UPPER');
    expect(parity('2025-10-06', anchor)).toBe('UPPER'); // 18 weeks before, in the previous calendar year
    expect(parity('2025-10-13', anchor)).toBe('LOWER');
  });
});

describe('expanding a rule', () => {
  it('gives upper and lower weeks alternately', () => {
    expect(dates(rule({ weekType: 'UPPER' }), '2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z')).toEqual(['2025-09-01', '2025-09-15', '2025-09-29']);
    expect(dates(rule({ weekType: 'LOWER' }), '2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z')).toEqual(['2025-09-08', '2025-09-22']);
    expect(dates(rule({ weekType: 'ALL' }), '2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z')).toHaveLength(5);
  });

  it('keeps parity right across the academic-year boundary', () => {
    const spec = rule({ weekType: 'UPPER', startDate: '2026-08-01', endDate: '2026-09-30' });
    expect(dates(spec, '2026-08-01T00:00:00Z', '2026-10-01T00:00:00Z')).toEqual(['2026-08-03', '2026-08-17', '2026-08-31', '2026-09-14', '2026-09-28']);
    const tuesday = rule({ dayOfWeek: 2, weekType: 'UPPER', startDate: '2026-08-01', endDate: '2026-09-30' });
    // Tuesday 2026-09-01 opens the new year as UPPER, right after the UPPER Monday 2026-08-31 of the old year.
    expect(dates(tuesday, '2026-08-01T00:00:00Z', '2026-10-01T00:00:00Z')).toEqual(['2026-08-04', '2026-08-18', '2026-09-01', '2026-09-15', '2026-09-29']);
  });

  it('respects the first and last date, inclusive', () => {
    const spec = rule({ dayOfWeek: 3, startDate: '2025-09-03', endDate: '2025-09-17' });
    expect(dates(spec, '2025-08-01T00:00:00Z', '2025-10-01T00:00:00Z')).toEqual(['2025-09-03', '2025-09-10', '2025-09-17']);
    const later = rule({ dayOfWeek: 3, startDate: '2025-09-04', endDate: '2025-09-16' });
    expect(dates(later, '2025-08-01T00:00:00Z', '2025-10-01T00:00:00Z')).toEqual(['2025-09-10']);
  });

  it('treats the requested range as half-open', () => {
    // Monday 2025-09-08 18:00 Moscow = 15:00Z to 16:30Z.
    expect(dates(rule(), '2025-09-08T16:30:00Z', '2025-09-09T00:00:00Z')).toEqual([]);
    expect(dates(rule(), '2025-09-08T16:29:00Z', '2025-09-09T00:00:00Z')).toEqual(['2025-09-08']);
    expect(dates(rule(), '2025-09-08T00:00:00Z', '2025-09-08T15:00:00Z')).toEqual([]);
    expect(dates(rule(), '2025-09-08T00:00:00Z', '2025-09-08T15:01:00Z')).toEqual(['2025-09-08']);
  });

  it('stops a rule that ends mid-week', () => {
    const spec = (day: number) => rule({ dayOfWeek: day, startDate: '2025-09-01', endDate: '2025-09-17' }); // ends on a Wednesday
    expect(dates(spec(1), '2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z')).toEqual(['2025-09-01', '2025-09-08', '2025-09-15']);
    expect(dates(spec(3), '2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z')).toEqual(['2025-09-03', '2025-09-10', '2025-09-17']);
    expect(dates(spec(5), '2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z')).toEqual(['2025-09-05', '2025-09-12']);
  });

  it('keeps wall-clock time across both DST changes in Europe/Berlin', () => {
    const sunday = rule({ dayOfWeek: 7, startTime: '18:00', endTime: '19:00', timezone: 'Europe/Berlin', startDate: '2026-03-01', endDate: '2026-11-30' });
    const list = expandRule(sunday, at('2026-03-20T00:00:00Z'), at('2026-11-05T00:00:00Z'), null);
    const byDate = Object.fromEntries(list.map((o) => [o.date, [o.startAt.toISOString(), o.endAt.toISOString()]]));
    expect(byDate['2026-03-22']).toEqual(['2026-03-22T17:00:00.000Z', '2026-03-22T18:00:00.000Z']);
    expect(byDate['2026-03-29']).toEqual(['2026-03-29T16:00:00.000Z', '2026-03-29T17:00:00.000Z']);
    expect(byDate['2026-10-18']).toEqual(['2026-10-18T16:00:00.000Z', '2026-10-18T17:00:00.000Z']);
    expect(byDate['2026-10-25']).toEqual(['2026-10-25T17:00:00.000Z', '2026-10-25T18:00:00.000Z']);
    for (const o of list) expect(DateTime.fromJSDate(o.startAt, { zone: 'Europe/Berlin' }).toFormat('HH:mm')).toBe('18:00');
  });

  it('resolves times on the transition days themselves', () => {
    const morning = rule({ dayOfWeek: 7, startTime: '01:00', endTime: '04:00', timezone: 'Europe/Berlin', startDate: '2026-03-29', endDate: '2026-10-25' });
    const spring = occurrenceAt(morning, '2026-03-29');
    expect(spring.startAt.toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(spring.endAt.toISOString()).toBe('2026-03-29T02:00:00.000Z'); // two real hours: 02:00-03:00 does not exist
    const autumn = occurrenceAt(morning, '2026-10-25');
    expect(autumn.startAt.toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(autumn.endAt.toISOString()).toBe('2026-10-25T03:00:00.000Z'); // four real hours: 02:00-03:00 happens twice
  });

  it('moves a start inside the skipped hour forward and keeps the lesson’s length', () => {
    // 02:30-03:10 and 02:30-03:32 do not fit the spring day's wall clock (02:00-03:00 is skipped).
    const short = rule({ dayOfWeek: 7, startTime: '02:30', endTime: '03:10', timezone: 'Europe/Berlin', startDate: '2026-03-29', endDate: '2026-04-30' });
    const moved = occurrenceAt(short, '2026-03-29');
    expect(moved.startAt.toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 summer time
    expect(moved.endAt.toISOString()).toBe('2026-03-29T02:10:00.000Z'); // forty minutes, as every other week
    const expanded = expandRule(short, at('2026-03-28T00:00:00Z'), at('2026-04-06T00:00:00Z'), null);
    expect(expanded.map((o) => [o.startAt.toISOString(), o.endAt.toISOString()])).toEqual([
      ['2026-03-29T01:30:00.000Z', '2026-03-29T02:10:00.000Z'],
      ['2026-04-05T00:30:00.000Z', '2026-04-05T01:10:00.000Z'],
    ]);
    const longer = occurrenceAt(rule({ dayOfWeek: 7, startTime: '02:30', endTime: '03:32', timezone: 'Europe/Berlin', startDate: '2026-03-29', endDate: '2026-03-29' }), '2026-03-29');
    expect(longer.endAt.getTime() - longer.startAt.getTime()).toBe(62 * 60_000);
  });

  it('uses a fixed offset in Europe/Moscow all year', () => {
    const list = expandRule(rule({ dayOfWeek: 7 }), at('2025-09-01T00:00:00Z'), at('2026-06-01T00:00:00Z'), null);
    expect(list.length).toBeGreaterThan(35);
    for (const o of list) expect(o.startAt.getUTCHours() * 60 + o.startAt.getUTCMinutes()).toBe(15 * 60);
  });

  it('handles 29 February', () => {
    const tuesday = rule({ dayOfWeek: 2, startDate: '2028-02-20', endDate: '2028-03-10' });
    expect(dates(tuesday, '2028-02-01T00:00:00Z', '2028-04-01T00:00:00Z')).toEqual(['2028-02-22', '2028-02-29', '2028-03-07']);
    expect(isOccurrenceDate(tuesday, '2028-02-29', null)).toBe(true);
    expect(isOccurrenceDate(rule({ dayOfWeek: 1, startDate: '2027-01-01', endDate: '2027-12-31' }), '2027-02-29', null)).toBe(false);
    expect(occurrenceAt(tuesday, '2028-02-29').startAt.toISOString()).toBe('2028-02-29T15:00:00.000Z');
  });

  it('skips dates a stored lesson took over', () => {
    const list = expandRule(rule(), at('2025-09-01T00:00:00Z'), at('2025-09-30T00:00:00Z'), null, (date) => date === '2025-09-15');
    expect(list.map((o) => o.date)).toEqual(['2025-09-01', '2025-09-08', '2025-09-22', '2025-09-29']);
  });

  it('expands a whole rule and checks single dates', () => {
    const spec = rule({ weekType: 'LOWER', startDate: '2025-09-01', endDate: '2025-09-30' });
    expect(expandWholeRule(spec, null).map((o) => o.date)).toEqual(['2025-09-08', '2025-09-22']);
    expect(isOccurrenceDate(spec, '2025-09-08', null)).toBe(true);
    expect(isOccurrenceDate(spec, '2025-09-15', null)).toBe(false);
    expect(isOccurrenceDate(spec, '2025-09-09', null)).toBe(false);
    expect(isOccurrenceDate(spec, '2025-10-06', null)).toBe(false);
  });

  it('matches luxon for local → UTC in many zones and days (incl. transitions)', () => {
    const zones = ['Europe/Berlin', 'Europe/Moscow', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Sao_Paulo'];
    const start = dayNumber('2025-01-01');
    for (const zone of zones) {
      for (let day = start; day < start + 800; day += 3) {
        for (const minutes of [0, 90, 150, 600, 1080, 1439]) {
          const date = isoDateOfDay(day);
          const expected = DateTime.fromISO(`${date}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`, { zone }).toMillis();
          expect(zonedEpochMs(day, minutes, zone), `${zone} ${date} ${minutes}`).toBe(expected);
        }
      }
    }
  });
});

describe('formatting instants', () => {
  it('matches toISOString for whole minutes and falls back otherwise', () => {
    for (let ms = Date.UTC(1999, 11, 31, 23, 59); ms < Date.UTC(2030, 0, 1); ms += 7_919 * 60_000) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
    expect(isoInstant(Date.UTC(2026, 0, 1, 10, 0, 5, 7))).toBe('2026-01-01T10:00:05.007Z');
  });
});

describe('occurrence ids', () => {
  it('parses rule:{id}:{date} and nothing else', () => {
    expect(parseOccurrenceId(`rule:${RULE_ID}:2026-01-05`)).toEqual({ ruleId: RULE_ID, date: '2026-01-05' });
    expect(parseOccurrenceId(RULE_ID)).toBeNull();
    expect(parseOccurrenceId(`rule:${RULE_ID}:2026-1-5`)).toBeNull();
  });
});
