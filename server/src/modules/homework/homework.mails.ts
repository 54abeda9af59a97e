import type { MailMessage } from '../../infra/mailer.js';

type Locale = 'ru' | 'en';

export interface AssignedMail {
  to: { email: string; firstName: string; locale: string };
  title: string;
  groupName: string;
  dueAt: Date;
  link: string;
}

const texts = {
  ru: { subject: (title: string) => `Новое домашнее задание: ${title}`, hello: 'Здравствуйте', lead: 'в группе «{group}» новое задание «{title}». Срок сдачи:', open: 'Открыть:' },
  en: { subject: (title: string) => `New homework: ${title}`, hello: 'Hello', lead: 'there is new homework "{title}" in "{group}". Due:', open: 'Open it:' },
} as const;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** "Homework assigned", in the student's language; the due time in UTC with its zone named, as the mail has no reader's zone. */
export function assignedMail({ to, title, groupName, dueAt, link }: AssignedMail): MailMessage {
  const locale: Locale = to.locale === 'en' ? 'en' : 'ru';
  const t = texts[locale];
  const due = `${new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ru-RU', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(dueAt)} UTC`;
  const lead = t.lead.replace('{group}', groupName).replace('{title}', title);
  const greeting = `${t.hello}, ${to.firstName}!`;
  return {
    to: to.email,
    subject: t.subject(title),
    text: `${greeting}\n\n${lead.charAt(0).toUpperCase()}${lead.slice(1)} ${due}\n${t.open} ${link}\n`,
    html: `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(lead.charAt(0).toUpperCase() + lead.slice(1))} ${escapeHtml(due)}</p><p>${escapeHtml(t.open)} <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
  };
}
