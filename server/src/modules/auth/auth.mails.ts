import type { MailMessage } from '../../infra/mailer.js';

type Locale = 'ru' | 'en';
interface Recipient {
  email: string;
  firstName: string;
  locale: Locale;
}

const texts = {
  confirm: {
    ru: { subject: 'Подтвердите адрес почты — Teaching Panel', lead: 'чтобы подтвердить адрес почты, откройте ссылку:', hello: 'Здравствуйте' },
    en: { subject: 'Confirm your email — Teaching Panel', lead: 'to confirm your email address, open this link:', hello: 'Hello' },
  },
  reminder: {
    ru: { subject: 'Напоминание: подтвердите адрес почты — Teaching Panel', lead: 'ваш адрес почты ещё не подтверждён. Откройте ссылку:', hello: 'Здравствуйте' },
    en: { subject: 'Reminder: confirm your email — Teaching Panel', lead: 'your email address is not confirmed yet. Open this link:', hello: 'Hello' },
  },
  reset: {
    ru: { subject: 'Сброс пароля — Teaching Panel', lead: 'чтобы задать новый пароль, откройте ссылку (она действует 1 час):', hello: 'Здравствуйте' },
    en: { subject: 'Reset your password — Teaching Panel', lead: 'to set a new password, open this link (valid for 1 hour):', hello: 'Hello' },
  },
} as const;

const ignoreNote: Record<Locale, string> = {
  ru: 'Если вы не запрашивали это письмо, просто проигнорируйте его.',
  en: 'If you did not ask for this email, just ignore it.',
};

export type MailKind = keyof typeof texts;

/** The account emails in the recipient's language, as plain text and simple HTML. */
export function accountMail(kind: MailKind, to: Recipient, link: string): MailMessage {
  const t = texts[kind][to.locale];
  const greeting = `${t.hello}, ${to.firstName}!`;
  return {
    to: to.email,
    subject: t.subject,
    text: `${greeting}\n\n${capitalize(t.lead)}\n${link}\n\n${ignoreNote[to.locale]}\n`,
    html: `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(capitalize(t.lead))}<br><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>${escapeHtml(ignoreNote[to.locale])}</p>`,
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
