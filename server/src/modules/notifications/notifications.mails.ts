import type { NotificationKind } from '@tp/shared';
import type { MailMessage } from '../../infra/mailer.js';
import type { NotificationRow, Recipient } from './notifications.repository.js';

type Locale = 'ru' | 'en';
type Data = NotificationRow['data'];
type MailKind = Exclude<NotificationKind, 'chat_direct' | 'chat_mention'>;

const q = (locale: Locale, value = '') => (locale === 'ru' ? `«${value}»` : `"${value}"`);

/**
 * Moments in the reader's own time zone. The date and the time are formatted apart and joined by a
 * comma, because the whole-moment format puts a preposition between them ("2 декабря 2026 г. в
 * 08:05") that reads wrong after "на", "до" or a dash; the zone is named once, by its city.
 */
interface Moments {
  /** "2 декабря 2026 г., 08:05" / "2 December 2026, 08:05". */
  at(iso?: string): string;
  /** A local calendar date (YYYY-MM-DD) as written in a letter: "9 декабря 2026 г.". */
  date(localDate?: string): string;
  /** The weekly slot of a series from one of its lessons: "по средам в 10:00" / "on Wednesdays at 10:00". */
  weekly(iso: string | undefined, weekType: Data['weekType']): string;
  /** The reader's zone: "Москва" / "Moscow Time" (an offset when the zone has no city name). */
  zone: string;
}

/** Subject and lead line of each kind's email, per language; a changed series has its own wording. */
const texts: Record<Locale, Record<MailKind, (d: Data, m: Moments) => [string, string]>> = {
  ru: {
    lesson_starting: (d, m) => [`Урок ${q('ru', d.title)} начнётся через 15 минут`, `Урок ${q('ru', d.title)} (группа ${q('ru', d.groupName)}) начнётся через 15 минут — ${m.at(d.startAt)} (${m.zone}).`],
    lesson_moved: (d, m) =>
      d.series
        ? [`Занятия ${q('ru', d.title)} перенесены`, `Занятия ${q('ru', d.title)} (группа ${q('ru', d.groupName)}) теперь проходят ${m.weekly(d.startAt, d.weekType)} (${m.zone}), начиная с ${m.at(d.startAt)}.`]
        : [`Урок ${q('ru', d.title)} перенесён`, `Урок ${q('ru', d.title)} (группа ${q('ru', d.groupName)}) перенесён на ${m.at(d.startAt)} (${m.zone}).${d.previousStartAt ? ` Было: ${m.at(d.previousStartAt)}.` : ''}`],
    lesson_cancelled: (d, m) =>
      d.series
        ? [`Занятия ${q('ru', d.title)} отменены`, `Занятия ${q('ru', d.title)} (группа ${q('ru', d.groupName)}) отменены с ${m.date(d.fromDate)}`] // the date ends in «г.»: no second full stop
        : [`Урок ${q('ru', d.title)} отменён`, `Урок ${q('ru', d.title)} (группа ${q('ru', d.groupName)}), назначенный на ${m.at(d.startAt)} (${m.zone}), отменён.`],
    homework_assigned: (d, m) => [`Новое домашнее задание ${q('ru', d.title)}`, `В группе ${q('ru', d.groupName)} новое домашнее задание ${q('ru', d.title)}. Срок сдачи — ${m.at(d.dueAt)} (${m.zone}).`],
    homework_graded: (d) => [`Домашнее задание ${q('ru', d.title)} проверено`, `Ваша работа по заданию ${q('ru', d.title)} проверена${d.score ? `: ${d.score}` : ''}.`],
    homework_due: (d, m) => [`Завтра срок сдачи задания ${q('ru', d.title)}`, `Задание ${q('ru', d.title)} нужно сдать до ${m.at(d.dueAt)} (${m.zone}).`],
  },
  en: {
    lesson_starting: (d, m) => [`Lesson ${q('en', d.title)} starts in 15 minutes`, `Lesson ${q('en', d.title)} (group ${q('en', d.groupName)}) starts in 15 minutes — ${m.at(d.startAt)} (${m.zone}).`],
    lesson_moved: (d, m) =>
      d.series
        ? [`Lessons ${q('en', d.title)} moved`, `Lessons ${q('en', d.title)} (group ${q('en', d.groupName)}) now take place ${m.weekly(d.startAt, d.weekType)} (${m.zone}), starting ${m.at(d.startAt)}.`]
        : [`Lesson ${q('en', d.title)} moved`, `Lesson ${q('en', d.title)} (group ${q('en', d.groupName)}) moved to ${m.at(d.startAt)} (${m.zone}).${d.previousStartAt ? ` It was ${m.at(d.previousStartAt)}.` : ''}`],
    lesson_cancelled: (d, m) =>
      d.series
        ? [`Lessons ${q('en', d.title)} cancelled`, `Lessons ${q('en', d.title)} (group ${q('en', d.groupName)}) are cancelled from ${m.date(d.fromDate)}.`]
        : [`Lesson ${q('en', d.title)} cancelled`, `Lesson ${q('en', d.title)} (group ${q('en', d.groupName)}) on ${m.at(d.startAt)} (${m.zone}) is cancelled.`],
    homework_assigned: (d, m) => [`New homework ${q('en', d.title)}`, `There is new homework ${q('en', d.title)} in group ${q('en', d.groupName)}. Due ${m.at(d.dueAt)} (${m.zone}).`],
    homework_graded: (d) => [`Homework ${q('en', d.title)} graded`, `Your work on ${q('en', d.title)} is graded${d.score ? `: ${d.score}` : ''}.`],
    homework_due: (d, m) => [`Homework ${q('en', d.title)} is due tomorrow`, `Homework ${q('en', d.title)} is due by ${m.at(d.dueAt)} (${m.zone}).`],
  },
};

/** Weekdays from Sunday, as "on …s" takes them. */
const WEEKDAYS: Record<Locale, string[]> = {
  ru: ['по воскресеньям', 'по понедельникам', 'по вторникам', 'по средам', 'по четвергам', 'по пятницам', 'по субботам'],
  en: ['on Sundays', 'on Mondays', 'on Tuesdays', 'on Wednesdays', 'on Thursdays', 'on Fridays', 'on Saturdays'],
};
const WEEK_PARITY: Record<Locale, Record<string, string>> = {
  ru: { UPPER: ' верхних недель', LOWER: ' нижних недель' },
  en: { UPPER: ' of upper weeks', LOWER: ' of lower weeks' },
};
const AT: Record<Locale, string> = { ru: 'в', en: 'at' };

const common = {
  ru: { hello: 'Здравствуйте', open: 'Открыть:', digest: (n: number) => `Новые сообщения (${n})`, digestLead: 'пока вас не было, вам написали:', settings: 'Настроить уведомления:' },
  en: { hello: 'Hello', open: 'Open it:', digest: (n: number) => `New messages (${n})`, digestLead: 'while you were away you got these messages:', settings: 'Notification settings:' },
} as const;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const localeOf = (to: Recipient): Locale => (to.locale === 'en' ? 'en' : 'ru');

function zoneOf(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function moments(to: Recipient): Moments {
  const locale = localeOf(to);
  const tag = locale === 'en' ? 'en-GB' : 'ru-RU';
  const timeZone = zoneOf(to.timezone);
  const date = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone });
  const time = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone });
  const named = new Intl.DateTimeFormat(tag, { timeZoneName: 'shortGeneric', timeZone }).formatToParts(0).find((p) => p.type === 'timeZoneName')?.value;
  const at = (iso?: string) => (iso ? `${date.format(Date.parse(iso))}, ${time.format(Date.parse(iso))}` : '');
  return {
    at,
    date: (localDate) => (localDate ? new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${localDate}T12:00:00Z`)) : ''),
    weekly: (iso, weekType) => {
      if (!iso) return '';
      const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(weekday.format(Date.parse(iso)));
      return `${WEEKDAYS[locale][day]}${WEEK_PARITY[locale][weekType ?? ''] ?? ''} ${AT[locale]} ${time.format(Date.parse(iso))}`;
    },
    zone: timeZone === 'UTC' || !named ? 'UTC' : named,
  };
}

function compose(to: Recipient, subject: string, lines: string[], link: string, baseUrl: string): MailMessage {
  const t = common[localeOf(to)];
  const greeting = `${t.hello}, ${to.firstName}!`;
  const url = `${baseUrl}${link}`;
  const settings = `${baseUrl}/app/settings/notifications`;
  return {
    to: to.email,
    subject,
    text: `${greeting}\n\n${lines.join('\n')}\n\n${t.open} ${url}\n\n${t.settings} ${settings}\n`,
    html:
      `<p>${escapeHtml(greeting)}</p>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}` +
      `<p>${escapeHtml(t.open)} <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>` +
      `<p style="color:#666">${escapeHtml(t.settings)} <a href="${escapeHtml(settings)}">${escapeHtml(settings)}</a></p>`,
  };
}

/** The email for one notification (every kind but chat messages, which go out in the hourly digest). */
export function notificationMail(to: Recipient, n: Pick<NotificationRow, 'kind' | 'data' | 'link'>, baseUrl: string): MailMessage {
  if (n.kind === 'chat_direct' || n.kind === 'chat_mention') return digestMail(to, [n], baseUrl);
  const [subject, lead] = texts[localeOf(to)][n.kind](n.data, moments(to));
  return compose(to, subject, [lead], n.link, baseUrl);
}

/** One email listing the chat messages that came while the user was away. */
export function digestMail(to: Recipient, items: Array<Pick<NotificationRow, 'data' | 'link'>>, baseUrl: string): MailMessage {
  const t = common[localeOf(to)];
  const lines = [`${t.digestLead.charAt(0).toUpperCase()}${t.digestLead.slice(1)}`, ...items.map((i) => `${i.data.senderName ?? ''}: ${i.data.excerpt ?? ''}`)];
  return compose(to, t.digest(items.length), lines, items.length === 1 ? items[0]!.link : '/app/chats', baseUrl);
}
