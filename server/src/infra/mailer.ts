import nodemailer, { type Transporter } from 'nodemailer';
import type { EntityManager } from '@mikro-orm/postgresql';
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
  /**
   * Hands the mail over for delivery. With SMTP it is queued (retried until the server takes it) —
   * inside `em`'s transaction, or the MikroORM transaction the caller runs in, so it is sent only if
   * the change that caused it commits.
   */
  send(message: MailMessage, options?: { em?: EntityManager }): Promise<void>;
  /** The latest mails kept in memory when there is no SMTP server (newest first). */
  recent(): SentMail[];
}

/** The wire: one attempt at handing a mail to the SMTP server (or the dev mailbox). */
export interface MailTransport {
  readonly kind: 'smtp' | 'log';
  /** `messageId` is stable across retries of one mail, so a receiving server can tell a repeat. */
  deliver(message: MailMessage, messageId?: string): Promise<void>;
  recent(): SentMail[];
}

const MAILBOX_SIZE = 50;

/** SMTP when configured; otherwise a local mailbox so sign-up works on a laptop without a mail server. */
export function createMailTransport(env: Env, logger: Logger): MailTransport {
  const from = env.MAIL_FROM;
  if (env.SMTP_URL) {
    // Bounded waits: a hung server must fail the attempt (and be retried) well before the job expires.
    const transport: Transporter = nodemailer.createTransport({ url: env.SMTP_URL, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 });
    return {
      kind: 'smtp',
      async deliver(message, messageId) {
        await transport.sendMail({ from, ...message, ...(messageId ? { messageId } : {}) });
        logger.info({ to: message.to, subject: message.subject }, 'mail sent');
      },
      recent: () => [],
    };
  }
  const mailbox: SentMail[] = [];
  return {
    kind: 'log',
    async deliver(message) {
      const mail: SentMail = { ...message, from, sentAt: new Date().toISOString() };
      mailbox.unshift(mail);
      mailbox.length = Math.min(mailbox.length, MAILBOX_SIZE);
      logger.info({ to: mail.to, subject: mail.subject, text: mail.text }, 'mail (no SMTP_URL: kept in the dev mailbox)');
    },
    recent: () => [...mailbox],
  };
}
