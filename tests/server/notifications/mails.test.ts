import { describe, expect, it } from 'vitest';
import type { NotificationKind } from '@tp/shared';
import { notificationMail } from '../../../server/src/modules/notifications/notifications.mails.js';
import type { NotificationRow, Recipient } from '../../../server/src/modules/notifications/notifications.repository.js';

const ira: Recipient = { id: 'u1', email: 'ira@example.test', firstName: 'Ира', locale: 'ru', timezone: 'Europe/Moscow' };
const tom: Recipient = { ...ira, email: 'tom@example.test', firstName: 'Tom', locale: 'en' };
const start = '2026-12-02T05:05:00.000Z'; // 08:05 in Moscow
const earlier = '2026-12-01T07:00:00.000Z';
const lead = (to: Recipient, kind: NotificationKind, data: NotificationRow['data']) => notificationMail(to, { kind, data, link: '/app' }, 'https://tp.test').text.split('\n')[2];

describe('notification emails read naturally', () => {
  it('lessons: the moment as "date, time (zone by city)", never a preposition before a date', () => {
    const lesson = { title: 'Алгебра', groupName: '9А', startAt: start };
    expect(lead(ira, 'lesson_starting', lesson)).toBe('Урок «Алгебра» (группа «9А») начнётся через 15 минут — 2 декабря 2026 г., 08:05 (Москва).');
    expect(lead(tom, 'lesson_starting', lesson)).toBe('Lesson "Алгебра" (group "9А") starts in 15 minutes — 2 December 2026, 08:05 (Moscow Time).');
    expect(lead(ira, 'lesson_moved', { ...lesson, previousStartAt: earlier })).toBe('Урок «Алгебра» (группа «9А») перенесён на 2 декабря 2026 г., 08:05 (Москва). Было: 1 декабря 2026 г., 10:00.');
    expect(lead(tom, 'lesson_moved', { ...lesson, previousStartAt: earlier })).toBe('Lesson "Алгебра" (group "9А") moved to 2 December 2026, 08:05 (Moscow Time). It was 1 December 2026, 10:00.');
    expect(lead(ira, 'lesson_cancelled', lesson)).toBe('Урок «Алгебра» (группа «9А»), назначенный на 2 декабря 2026 г., 08:05 (Москва), отменён.');
    expect(lead(tom, 'lesson_cancelled', lesson)).toBe('Lesson "Алгебра" (group "9А") on 2 December 2026, 08:05 (Moscow Time) is cancelled.');
  });

  it('a changed series: its weekly slot, or the date it is cancelled from', () => {
    const series = { title: 'Алгебра', groupName: '9А', series: true, startAt: '2026-12-09T07:00:00.000Z', fromDate: '2026-12-09' };
    expect(lead(ira, 'lesson_moved', series)).toBe('Занятия «Алгебра» (группа «9А») теперь проходят по средам в 10:00 (Москва), начиная с 9 декабря 2026 г., 10:00.');
    expect(lead(tom, 'lesson_moved', { ...series, weekType: 'UPPER' })).toBe('Lessons "Алгебра" (group "9А") now take place on Wednesdays of upper weeks at 10:00 (Moscow Time), starting 9 December 2026, 10:00.');
    expect(lead(ira, 'lesson_cancelled', series)).toBe('Занятия «Алгебра» (группа «9А») отменены с 9 декабря 2026 г.');
    expect(lead(tom, 'lesson_cancelled', series)).toBe('Lessons "Алгебра" (group "9А") are cancelled from 9 December 2026.');
  });

  it('homework: due moments after "до" / "by" and a dash, graded with the score', () => {
    const hw = { title: 'Эссе', groupName: '9А', dueAt: start };
    expect(lead(ira, 'homework_assigned', hw)).toBe('В группе «9А» новое домашнее задание «Эссе». Срок сдачи — 2 декабря 2026 г., 08:05 (Москва).');
    expect(lead(tom, 'homework_assigned', hw)).toBe('There is new homework "Эссе" in group "9А". Due 2 December 2026, 08:05 (Moscow Time).');
    expect(lead(ira, 'homework_due', hw)).toBe('Задание «Эссе» нужно сдать до 2 декабря 2026 г., 08:05 (Москва).');
    expect(lead(tom, 'homework_due', hw)).toBe('Homework "Эссе" is due by 2 December 2026, 08:05 (Moscow Time).');
    expect(lead(ira, 'homework_graded', { title: 'Эссе', score: '7 / 10' })).toBe('Ваша работа по заданию «Эссе» проверена: 7 / 10.');
    expect(lead(tom, 'homework_graded', { title: 'Эссе' })).toBe('Your work on "Эссе" is graded.');
    expect(notificationMail(ira, { kind: 'homework_due', data: hw, link: '/app' }, '').subject).toBe('Завтра срок сдачи задания «Эссе»');
  });

  it('a zone without a city name and an unknown zone read as an offset or UTC, in the reader’s zone', () => {
    expect(lead({ ...ira, timezone: 'Asia/Novosibirsk' }, 'lesson_starting', { title: 'А', groupName: 'Б', startAt: start })).toBe('Урок «А» (группа «Б») начнётся через 15 минут — 2 декабря 2026 г., 12:05 (Новосибирск).');
    expect(lead({ ...tom, timezone: 'Not/AZone' }, 'lesson_starting', { title: 'A', groupName: 'B', startAt: start })).toBe('Lesson "A" (group "B") starts in 15 minutes — 2 December 2026, 05:05 (UTC).');
    expect(lead({ ...tom, timezone: 'UTC' }, 'homework_due', { title: 'A', dueAt: start })).toBe('Homework "A" is due by 2 December 2026, 05:05 (UTC).');
  });
});
