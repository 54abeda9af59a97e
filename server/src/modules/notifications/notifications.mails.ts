import type { NotificationKind } from '@tp/shared';
import type { MailMessage } from '../../infra/mailer.js';
import type { NotificationRow, Recipient } from './notifications.repository.js';

type Locale = 'ru' | 'en';
type Data = NotificationRow['data'];

const q = (locale: Locale, value = '') => (locale === 'ru' ? `«${value}»` : `"${value}"`);

/** Subject and lead line of each kind's email, per language. */
const texts: Record<Locale, Record<Exclude<NotificationKind, 'chat_direct' | 'chat_mention'>, (d: Data, when: (iso?: string) => string) => [string, string]>> = {
  ru: {
    lesson_starting: (d, when) => [`Урок ${q('ru', d.title)} начнётся через 15 минут`, `Урок ${q('ru', d.title)} группы ${q('ru', d.groupName)} начнётся в ${when(d.startAt)}.`],
    lesson_moved: (d, when) => [`Урок ${q('ru', d.title)} перенесён`, `Урок ${q('ru', d.title)} группы ${q('ru', d.groupName)} перенесён на ${when(d.startAt)} (было: ${when(d.previousStartAt)}).`],
    lesson_cancelled: (d, when) => [`Урок ${q('ru', d.title)} отменён`, `Урок ${q('ru', d.title)} группы ${q('ru', d.groupName)} (${when(d.startAt)}) отменён.`],
    homework_assigned: (d, when) => [`Новое домашнее задание: ${d.title}`, `В группе ${q('ru', d.groupName)} новое задание ${q('ru', d.title)}. Срок сдачи: ${when(d.dueAt)}.`],
    homework_graded: (d) => [`Домашнее задание ${q('ru', d.title)} проверено`, `Ваша работа ${q('ru', d.title)} проверена${d.score ? `: ${d.score}` : ''}.`],
    homework_due: (d, when) => [`Завтра срок сдачи: ${d.title}`, `Задание ${q('ru', d.title)} нужно сдать до ${when(d.dueAt)}.`],
  },
  en: {
    lesson_starting: (d, when) => [`Lesson ${q('en', d.title)} starts in 15 minutes`, `Lesson ${q('en', d.title)} of ${q('en', d.groupName)} starts at ${when(d.startAt)}.`],
    lesson_moved: (d, when) => [`Lesson ${q('en', d.title)} moved`, `Lesson ${q('en', d.title)} of ${q('en', d.groupName)} moved to ${when(d.startAt)} (was ${when(d.previousStartAt)}).`],
    lesson_cancelled: (d, when) => [`Lesson ${q('en', d.title)} cancelled`, `Lesson ${q('en', d.title)} of ${q('en', d.groupName)} (${when(d.startAt)}) is cancelled.`],
    homework_assigned: (d, when) => [`New homework: ${d.title}`, `There is new homework ${q('en', d.title)} in ${q('en', d.groupName)}. Due: ${when(d.dueAt)}.`],
    homework_graded: (d) => [`Homework ${q('en', d.title)} graded`, `Your work on ${q('en', d.title)} is graded${d.score ? `: ${d.score}` : ''}.`],
    homework_due: (d, when) => [`Due tomorrow: ${d.title}`, `Homework ${q('en', d.title)} is due by ${when(d.dueAt)}.`],
  },
};

const common = {
  ru: { hello: 'Здравствуйте', open: 'Открыть:', digest: (n: number) => `Новые сообщения (${n})`, digestLead: 'пока вас не было, вам написали:', settings: 'Настроить уведомления:' },
  en: { hello: 'Hello', open: 'Open it:', digest: (n: number) => `New messages (${n})`, digestLead: 'while you were away you got these messages:', settings: 'Notification settings:' },
} as const;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const localeOf = (to: Recipient): Locale => (to.locale === 'en' ? 'en' : 'ru');

/** Moments in the reader's own time zone, with the zone named. */
function formatter(to: Recipient): (iso?: string) => string {
  const locale = localeOf(to);
  const format = (timeZone: string) => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ru-RU', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
  let f: Intl.DateTimeFormat;
  try {
    f = format(to.timezone);
  } catch {
    f = format('UTC');
  }
  return (iso) => (iso ? f.format(new Date(iso)) : '');
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
  const [subject, lead] = texts[localeOf(to)][n.kind](n.data, formatter(to));
  return compose(to, subject, [lead], n.link, baseUrl);
}

/** One email listing the chat messages that came while the user was away. */
export function digestMail(to: Recipient, items: Array<Pick<NotificationRow, 'data' | 'link'>>, baseUrl: string): MailMessage {
  const t = common[localeOf(to)];
  const lines = [`${t.digestLead.charAt(0).toUpperCase()}${t.digestLead.slice(1)}`, ...items.map((i) => `${i.data.senderName ?? ''}: ${i.data.excerpt ?? ''}`)];
  return compose(to, t.digest(items.length), lines, items.length === 1 ? items[0]!.link : '/app/chats', baseUrl);
}
