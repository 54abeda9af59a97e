import type { EntityManager } from '@mikro-orm/postgresql';
import type { Infra } from '../../infra/container.js';
import type { Mailer, MailMessage, MailTransport, SentMail } from '../../infra/mailer.js';
import type { JobQueue, JobRun } from './job-queue.js';
import type { JobsRepository } from './jobs.repository.js';

export const MAIL_QUEUE = 'mail-send';
/** With the default 30 s first delay and doubling, ten retries span about half a day of outage. */
const MAIL_RETRY_LIMIT = 10;
const LEDGER_DAYS = 30;

interface MailJobData {
  /** The message, encrypted: it carries sign-in links, and the queue keeps jobs for days. */
  sealed: string;
  /** Recipient and subject, for the admin's list of failed jobs. */
  summary: string;
}

/**
 * Every email goes through here. With SMTP each mail is a queued job, delivered by a worker with
 * retries and back-off; the ledger row written in the same transaction as the SMTP hand-over keeps a
 * retried job from mailing twice. Without SMTP the mail goes straight to the dev mailbox of this
 * process (there is no server to be down, and the mailbox page must see it).
 */
export class MailOutbox implements Mailer {
  private readonly domain: string;

  constructor(
    private readonly queue: JobQueue,
    private readonly repo: JobsRepository,
    private readonly transport: MailTransport,
    private readonly infra: Pick<Infra, 'secretBox' | 'logger' | 'env'>,
  ) {
    this.domain = /@([^>\s]+)/.exec(infra.env.MAIL_FROM)?.[1] ?? 'teaching-panel.local';
    queue.define<MailJobData>({ name: MAIL_QUEUE, policy: 'standard', retryLimit: MAIL_RETRY_LIMIT, handle: (data, run) => this.deliver(data, run) });
  }

  get kind(): 'smtp' | 'log' {
    return this.transport.kind;
  }

  async send(message: MailMessage, options: { em?: EntityManager } = {}): Promise<void> {
    if (this.transport.kind === 'log') return this.transport.deliver(message);
    const data: MailJobData = { sealed: this.infra.secretBox.seal(JSON.stringify(message)), summary: `${message.to} — ${message.subject}` };
    await this.queue.send(MAIL_QUEUE, data, { em: options.em });
  }

  recent(): SentMail[] {
    return this.transport.recent();
  }

  pruneLedger(): Promise<number> {
    return this.repo.pruneMailDeliveries(LEDGER_DAYS);
  }

  private async deliver(data: MailJobData, run: JobRun): Promise<void> {
    const message = JSON.parse(this.infra.secretBox.open(data.sealed)) as MailMessage;
    // The ledger row and the hand-over share a transaction: a worker that dies mid-send rolls the row
    // back (the retry sends), one that dies after the commit left the row (the retry skips).
    await this.repo.transaction(async (em) => {
      if (!(await this.repo.claimMailDelivery(em, run.id, message.to, message.subject))) {
        this.infra.logger.info({ job: run.id, to: message.to }, 'mail already sent; retry skipped');
        return;
      }
      try {
        await this.transport.deliver(message, `<${run.id}@${this.domain}>`);
      } catch (error) {
        // 5xx: the server refused for good (no such mailbox…); retrying cannot help, the admin should know now.
        if (isPermanentRefusal(error)) await this.repo.exhaustRetries(MAIL_QUEUE, run.id);
        throw error;
      }
    });
  }
}

/** SMTP 5xx replies are final; 4xx and connection errors are worth retrying. */
function isPermanentRefusal(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
