import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../setup/app.js';
import { buildGroup } from '../../factories/groups.js';
import { buildStudent } from '../../factories/users.js';
import { buildRule } from '../../factories/schedule.js';
import type { SmtpSink } from '../../fakes/smtp-sink.js';
import { appWithMailSink, bell, kinds } from './support.js';

let app: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  ({ app, sink } = await appWithMailSink());
  expect(app.clock.now().toISOString()).toBe('2026-01-15T10:00:00.000Z'); // a Thursday
});

const actorOf = (built: { teacher: { user: { id: string } } }) => ({ userId: built.teacher.user.id, role: 'teacher' as const });
// Mondays 10:00–11:00 in Moscow (07:00Z), all term.
const series = { title: 'Разговор', dayOfWeek: 1, startTime: '10:00', endTime: '11:00', timezone: 'Europe/Moscow', startDate: '2026-01-01', endDate: '2026-05-31' };

describe('a recurring series changed', () => {
  it('a new time for the whole series: each student hears once, with its next lesson; the teacher and a title change tell nothing', async () => {
    const ira = await buildStudent(app, { locale: 'ru', firstName: 'Ира' });
    const built = await buildGroup(app, { name: 'B2', students: [ira], studentCount: 1 });
    const rule = await buildRule(app, built.teacher, built.group.id, series);
    const rules = app.ctx.services.recurringRules;
    await rules.update(actorOf(built), rule.id, { startTime: '12:00', endTime: '13:00' });

    for (const student of built.students) expect(await kinds(app, student.token)).toEqual(['lesson_moved']);
    expect(await kinds(app, built.teacher.token)).toEqual([]);
    const [notice] = (await bell(app, ira.token)).items;
    expect(notice).toMatchObject({ link: '/app/calendar', read: false, data: { title: 'Разговор', groupName: 'B2', series: true, fromDate: '2026-01-19', startAt: '2026-01-19T09:00:00.000Z', previousStartAt: '2026-01-19T07:00:00.000Z' } });
    const mail = await sink.waitFor((m) => m.to.includes(ira.user.email) && m.subject === 'Занятия «Разговор» перенесены', 30_000);
    expect(mail.text).toContain('Занятия «Разговор» (группа «B2») теперь проходят по понедельникам в 12:00 (Москва), начиная с 19 января 2026 г., 12:00.');

    await rules.update(actorOf(built), rule.id, { title: 'Разговорный клуб' });
    expect(await kinds(app, ira.token)).toEqual(['lesson_moved']);
  }, 40_000);

  it('a split from a date onto another weekday tells once, from the first moved lesson', async () => {
    const built = await buildGroup(app, { studentCount: 2 });
    const rule = await buildRule(app, built.teacher, built.group.id, series);
    await app.ctx.services.recurringRules.update(actorOf(built), rule.id, { fromDate: '2026-02-02', dayOfWeek: 3, weekType: 'UPPER' });
    for (const student of built.students) expect(await kinds(app, student.token)).toEqual(['lesson_moved']);
    const data = (await bell(app, built.students[0]!.token)).items[0]!.data;
    expect(data).toMatchObject({ series: true, weekType: 'UPPER', previousStartAt: '2026-02-02T07:00:00.000Z' });
    expect(data.fromDate! >= '2026-02-02').toBe(true);
    expect(new Date(data.startAt!).getUTCDay()).toBe(3);
  });

  it('deleted from a date: one "cancelled from" notice, not one per lesson; a series with nothing ahead tells nobody', async () => {
    const built = await buildGroup(app, { studentCount: 1 });
    const student = built.students[0]!;
    const rule = await buildRule(app, built.teacher, built.group.id, series);
    await app.ctx.services.recurringRules.remove(actorOf(built), rule.id, '2026-03-01');
    expect(await kinds(app, student.token)).toEqual(['lesson_cancelled']);
    expect((await bell(app, student.token)).items[0]!.data).toMatchObject({ series: true, fromDate: '2026-03-02', title: 'Разговор' });
    expect((await bell(app, student.token)).items[0]!.data.startAt).toBeUndefined();

    const past = await buildRule(app, built.teacher, built.group.id, { ...series, dayOfWeek: 2, startDate: '2025-09-01', endDate: '2025-12-31' });
    await app.ctx.services.recurringRules.update(actorOf(built), past.id, { startTime: '15:00', endTime: '16:00' });
    await app.ctx.services.recurringRules.remove(actorOf(built), past.id);
    expect(await kinds(app, student.token)).toEqual(['lesson_cancelled']);
  });
});
