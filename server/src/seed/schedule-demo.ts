import { DateTime } from 'luxon';
import type { AppContext } from '../modules/index.js';
import type { DemoUsers } from './demo.js';
import { AppError } from '../infra/errors.js';

type WeekType = 'ALL' | 'UPPER' | 'LOWER';

/**
 * Demo groups and a schedule over the current and following weeks: teacher 1 teaches "English B1"
 * (students 1-3), teacher 2 "German A2" (students 3-5; student 3 learns both). Each group has weekly
 * rules (ALL, plus an UPPER/LOWER pair sharing a slot) and one-off lessons, one starting within the
 * hour so a teacher can start it right away.
 */
export async function seedScheduleDemo(ctx: AppContext, users: DemoUsers): Promise<string[]> {
  const { groups, schedule, recurringRules } = ctx.services;
  const [teacher1, teacher2] = users.teachers;
  const s = users.students;
  if (!teacher1 || !teacher2 || s.length < 5) return [];
  const t1 = { userId: teacher1.id, role: 'teacher' as const };
  const t2 = { userId: teacher2.id, role: 'teacher' as const };

  const english = await groups.create(t1, 'English B1');
  for (const student of s.slice(0, 3)) await groups.addStudent(t1, english.id, student.email);
  const german = await groups.create(t2, 'German A2');
  for (const student of s.slice(2, 5)) await groups.addStudent(t2, german.id, student.email);

  const now = DateTime.fromJSDate(ctx.infra.clock.now());
  // The startable lessons go first; a weekly rule that would clash with one starts the day after.
  const soon1 = await lessonWithinTheHour(ctx, t1, english.id, 'English: trial lesson');
  const soon2 = await lessonWithinTheHour(ctx, t2, german.id, 'Deutsch: Probestunde');
  const rule = async (actor: typeof t1, zone: string, groupId: string, title: string, dayOfWeek: number, weekType: WeekType, startTime: string, endTime: string) => {
    const monday = now.setZone(zone).startOf('week');
    const endDate = monday.plus({ weeks: 16 }).toISODate()!;
    const create = (startDate: string) => recurringRules.create(actor, { groupId, title, dayOfWeek, weekType, startTime, endTime, timezone: zone, startDate, endDate });
    await create(monday.toISODate()!).catch(async (error) => {
      ignoreConflict(error);
      await create(now.setZone(zone).plus({ days: 1 }).toISODate()!).catch(ignoreConflict);
    });
  };
  await rule(t1, teacher1.timezone, english.id, 'English: conversation', 1, 'ALL', '18:00', '19:30');
  await rule(t1, teacher1.timezone, english.id, 'English: grammar', 3, 'UPPER', '18:00', '19:00');
  await rule(t1, teacher1.timezone, english.id, 'English: listening', 3, 'LOWER', '18:00', '19:00');
  await rule(t2, teacher2.timezone, german.id, 'Deutsch: Grammatik', 2, 'ALL', '17:00', '18:30');
  await rule(t2, teacher2.timezone, german.id, 'Deutsch: Sprechen', 4, 'UPPER', '19:30', '20:30');
  await rule(t2, teacher2.timezone, german.id, 'Deutsch: Hören', 4, 'LOWER', '19:30', '20:30');

  const nextSaturday = now.setZone(teacher1.timezone).startOf('week').plus({ weeks: 1, days: 5, hours: 11 });
  await schedule
    .createLesson(t1, { groupId: english.id, title: 'English: exam practice', startAt: nextSaturday.toISO()!, endAt: nextSaturday.plus({ minutes: 90 }).toISO()! })
    .catch(ignoreConflict);
  await schedule
    .createLesson(t2, { groupId: german.id, title: 'Deutsch: Prüfungstraining', startAt: nextSaturday.plus({ hours: 3 }).toISO()!, endAt: nextSaturday.plus({ hours: 4 }).toISO()! })
    .catch(ignoreConflict);

  // in the teacher's zone, named: the machine printing this may be in another one
  const at = (d: Date | null, zone: string) => (d ? DateTime.fromJSDate(d).setZone(zone).toFormat(`HH:mm '${zone}' '(UTC'ZZ')'`) : 'none (the hour is taken)');
  return [
    'Demo groups (invite codes):',
    `  English B1  ${english.inviteCode}  teacher1, students 1-3; a lesson starts at ${at(soon1, teacher1.timezone)}`,
    `  German A2   ${german.inviteCode}  teacher2, students 3-5; a lesson starts at ${at(soon2, teacher2.timezone)}`,
  ];
}

/** A one-hour lesson starting 10-50 minutes from now, at the first time the teacher is free. */
async function lessonWithinTheHour(ctx: AppContext, actor: { userId: string; role: 'teacher' }, groupId: string, title: string): Promise<Date | null> {
  const base = DateTime.fromJSDate(ctx.infra.clock.now()).startOf('minute');
  const roundUp = (5 - (base.minute % 5)) % 5;
  for (const lead of [10, 20, 30, 40, 50]) {
    const start = base.plus({ minutes: roundUp + lead });
    try {
      await ctx.services.schedule.createLesson(actor, { groupId, title, startAt: start.toISO()!, endAt: start.plus({ minutes: 60 }).toISO()! });
      return start.toJSDate();
    } catch (error) {
      ignoreConflict(error);
    }
  }
  return null;
}

/** The demo fits its lessons around each other; a clash just leaves that one out. */
function ignoreConflict(error: unknown): void {
  if (error instanceof AppError && error.code === 'schedule/conflict') return;
  throw error;
}
