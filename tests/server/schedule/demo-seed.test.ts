import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../setup/app.js';
import { ManualClock } from '../../../server/src/infra/clock.js';
import { seedDemo } from '../../../server/src/seed/demo.js';
import { calendarUrl, client } from './helpers.js';

describe('demo schedule', () => {
  it('gives both demo teachers groups, weekly rules of every week type and a lesson within the hour', async () => {
    const app = await createTestApp({ clock: new ManualClock(new Date('2026-01-19T15:07:00Z')), env: { SEED_DEMO: 'true' } });
    const lines = await seedDemo(app.ctx);
    expect(lines?.join('\n')).toContain('English B1');
    const student3 = await app.ctx.services.groups.list({ userId: (await findUser(app, 'student3@demo.local'))!, role: 'student' }, {});
    expect(student3.map((g) => g.name).sort()).toEqual(['English B1', 'German A2']);
    const teacher1 = (await findUser(app, 'teacher1@demo.local'))!;
    const { token } = await app.infra.tokens.sign(teacher1, 'teacher');
    const week = (await client(app, token).get(calendarUrl('2026-01-19T00:00:00Z', '2026-02-02T00:00:00Z'))).body.events as Array<{ weekType: string | null; startAt: string; stored: boolean }>;
    expect(new Set(week.map((e) => e.weekType))).toEqual(new Set(['ALL', 'UPPER', 'LOWER', null]));
    const soon = week.filter((e) => e.stored && Date.parse(e.startAt) > Date.parse('2026-01-19T15:07:00Z') && Date.parse(e.startAt) <= Date.parse('2026-01-19T16:07:00Z'));
    expect(soon).toHaveLength(1);
  });
});

async function findUser(app: Awaited<ReturnType<typeof createTestApp>>, email: string): Promise<string | null> {
  const rows: Array<{ id: string }> = await app.infra.orm.em.fork().getConnection().execute('select id from users where email = ?', [email]);
  return rows[0]?.id ?? null;
}
