import { describe, expect, it } from 'vitest';
import { credentialsBody, eventId, password, recurringRuleBody, registerBody, calendarQuery, HTTP_STATUS_BY_CODE, ERROR_CODES } from '@tp/shared';

describe('shared schemas', () => {
  it('enforces the password policy', () => {
    expect(password.safeParse('Short1a').success).toBe(false);
    expect(password.safeParse('alllowercase1').success).toBe(false);
    expect(password.safeParse('ALLUPPERCASE1').success).toBe(false);
    expect(password.safeParse('NoDigitsHere').success).toBe(false);
    expect(password.safeParse('Good1Password').success).toBe(true);
  });

  it('normalises emails to lower case and rejects unknown fields', () => {
    expect(credentialsBody.parse({ email: '  Ann@Example.COM ', password: 'x' }).email).toBe('ann@example.com');
    expect(credentialsBody.safeParse({ email: 'ann@example.com', password: 'x', admin: true }).success).toBe(false);
  });

  it('never lets self-registration pick the admin role', () => {
    const base = { email: 'a@b.co', password: 'Good1Password', firstName: 'A', lastName: 'B' };
    expect(registerBody.safeParse({ ...base, role: 'teacher' }).success).toBe(true);
    expect(registerBody.safeParse({ ...base, role: 'admin' }).success).toBe(false);
  });

  it('accepts lesson ids and rule occurrence ids only', () => {
    expect(eventId.safeParse('2b0c3f38-5f7e-4b8e-9d0a-1c2d3e4f5a6b').success).toBe(true);
    expect(eventId.safeParse('rule:2b0c3f38-5f7e-4b8e-9d0a-1c2d3e4f5a6b:2026-09-07').success).toBe(true);
    expect(eventId.safeParse('rule:nope:2026-09-07').success).toBe(false);
    expect(eventId.safeParse('../etc/passwd').success).toBe(false);
  });

  it('validates recurring rules: week types, wall-clock times, timezones', () => {
    const rule = {
      groupId: '2b0c3f38-5f7e-4b8e-9d0a-1c2d3e4f5a6b',
      title: 'English',
      dayOfWeek: 1,
      weekType: 'UPPER',
      startTime: '18:00',
      endTime: '19:30',
      timezone: 'Europe/Berlin',
      startDate: '2026-09-01',
      endDate: '2027-05-31',
    };
    expect(recurringRuleBody.safeParse(rule).success).toBe(true);
    expect(recurringRuleBody.safeParse({ ...rule, weekType: 'ODD' }).success).toBe(false);
    expect(recurringRuleBody.safeParse({ ...rule, startTime: '25:00' }).success).toBe(false);
    expect(recurringRuleBody.safeParse({ ...rule, timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(recurringRuleBody.safeParse({ ...rule, dayOfWeek: 8 }).success).toBe(false);
  });

  it('requires instants with an offset in calendar queries', () => {
    expect(calendarQuery.safeParse({ from: '2026-09-01T00:00:00Z', to: '2026-10-01T00:00:00Z' }).success).toBe(true);
    expect(calendarQuery.safeParse({ from: '2026-09-01', to: '2026-10-01' }).success).toBe(false);
  });

  it('maps every error code to a 4xx, except the internal one', () => {
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS_BY_CODE[code];
      if (code === 'internal/error') expect(status).toBe(500);
      else if (code === 'provider/unavailable') expect(status).toBe(502);
      else expect(status >= 400 && status < 500).toBe(true);
    }
  });
});
