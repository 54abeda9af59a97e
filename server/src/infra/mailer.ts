import nodemailer, { type Transporter } from 'nodemailer';
import type { Env } from '../config/env.js';
import type { Logger } from './logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail extends MailMessage {
  from: string;
  sentAt: string;
}

export interface Mailer {
  /** 'smtp' with SMTP_URL; 'log' otherwise (mail goes to the log and the dev mailbox). */
  readonly kind: 'smtp' | 'log';
  send(message: MailMessage): Promise<void>;
  /** The latest mails kept in memory when there is no SMTP server (newest first). */
  recent(): SentMail[];
}

const MAILBOX_SIZE = 50;

/** SMTP when configured; otherwise a local mailbox so sign-up works on a laptop without a mail server. */
export function createMailer(env: Env, logger: Logger): Mailer {
  const from = env.MAIL_FROM;
  if (env.SMTP_URL) {
    const transport: Transporter = nodemailer.createTransport(env.SMTP_URL);
    return {
      kind: 'smtp',
      async send(message) {
        await transport.sendMail({ from, ...message });
        logger.info({ to: message.to, subject: message.subject }, 'mail sent');
      },
      recent: () => [],
    };
  }
  const mailbox: SentMail[] = [];
  return {
    kind: 'log',
    async send(message) {
      const mail: SentMail = { ...message, from, sentAt: new Date().toISOString() };
      mailbox.unshift(mail);
      mailbox.length = Math.min(mailbox.length, MAILBOX_SIZE);
      logger.info({ to: mail.to, subject: mail.subject, text: mail.text }, 'mail (no SMTP_URL: kept in the dev mailbox)');
    },
    recent: () => [...mailbox],
  };
}
