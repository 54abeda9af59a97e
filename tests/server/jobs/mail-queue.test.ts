import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { JobsOverview } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent } from '../../factories/users.js';
import { startSmtpSink, type SmtpSink } from '../../fakes/smtp-sink.js';
import { MAIL_QUEUE } from '../../../server/src/modules/jobs/mail-outbox.js';
import { QUICK_QUEUE } from './support/worker.js';

let app: TestApp;
let sink: SmtpSink;
let adminToken: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Panel <panel@example.test>', ...QUICK_QUEUE } });
  adminToken = (await buildAdmin(app)).token;
});
afterAll(() => sink.close());

const mailsTo = (email: string) => sink.messages.filter((m) => m.to.includes(email));
const messageId = (raw: string) => /^message-id:\s*(\S+)/im.exec(raw)?.[1];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mailQueue() {
  const res = await request(app.url).get('/api/admin/jobs').set('Authorization', `Bearer ${adminToken}`);
  expect(res.status).toBe(200);
  return (res.body as JobsOverview).queues.find((q) => q.queue === MAIL_QUEUE)!;
}

describe('mail through the queue', () => {
  it('keeps ten emails caused while the mail server is down and delivers each once when it returns', async () => {
    await sink.stop();
    const students = await Promise.all(Array.from({ length: 10 }, () => buildStudent(app)));
    for (const { user } of students) {
      expect((await request(app.url).post('/api/auth/password-reset').send({ email: user.email })).status).toBe(202);
    }
    // Several attempts fail meanwhile; the mails wait for their retries instead of being lost.
    await expect.poll(async () => (await mailQueue()).retrying, { timeout: 10_000, interval: 250 }).toBeGreaterThan(0);
    await sleep(3_000);
    const waiting = await mailQueue();
    expect(waiting.waiting + waiting.retrying + waiting.active).toBe(10);
    expect(waiting.failed).toBe(0);
    expect(sink.messages).toHaveLength(0);

    await sink.start();
    await expect.poll(() => students.filter(({ user }) => mailsTo(user.email).length > 0).length, { timeout: 40_000, interval: 250 }).toBe(10);
    await expect.poll(async () => (await mailQueue()).completedLastDay, { timeout: 5_000 }).toBe(10);
    await sleep(1_500);
    for (const { user } of students) {
      const mails = mailsTo(user.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('Reset your password — Teaching Panel');
      expect(mails[0]!.text).toContain('/reset-password?token=');
    }
    expect(new Set(sink.messages.map((m) => messageId(m.raw))).size).toBe(10);
    const drained = await mailQueue();
    expect(drained).toMatchObject({ waiting: 0, retrying: 0, active: 0, failed: 0 });
  }, 90_000);

  it('sends a mail caused inside a transaction only if that transaction commits', async () => {
    const [kept, dropped] = [`kept-${randomUUID().slice(0, 6)}@example.test`, `dropped-${randomUUID().slice(0, 6)}@example.test`];
    const mailer = app.ctx.services.mailer;
    await expect(
      app.infra.orm.em.fork().transactional(async () => {
        await mailer.send({ to: dropped, subject: 'Rolled back', text: 'never' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await app.infra.orm.em.fork().transactional(async (em) => {
      await mailer.send({ to: kept, subject: 'Committed', text: 'yes' }, { em });
    });
    await sink.waitFor((m) => m.to.includes(kept), 10_000);
    await sleep(1_000);
    expect(mailsTo(dropped)).toHaveLength(0);
  });

  it('never mails twice for a job whose mail is already in the sent ledger (a worker died after sending)', async () => {
    const to = `ledger-${randomUUID().slice(0, 6)}@example.test`;
    const jobId = randomUUID();
    const em = app.infra.orm.em.fork();
    await em.getConnection().execute(`insert into mail_deliveries (job_id, recipient, subject) values (?, ?, ?)`, [jobId, to, 'Already sent']);
    const sealed = app.infra.secretBox.seal(JSON.stringify({ to, subject: 'Already sent', text: 'once' }));
    await app.ctx.services.jobs.queue.send(MAIL_QUEUE, { sealed, summary: to }, { id: jobId });
    await expect.poll(async () => (await app.ctx.services.jobs.queue.getJob(MAIL_QUEUE, jobId))?.state, { timeout: 10_000, interval: 200 }).toBe('completed');
    expect(mailsTo(to)).toHaveLength(0);
  });

  it('shows a mail the server refuses for good to the admin at once, without retrying it', async () => {
    const to = `refused-${randomUUID().slice(0, 6)}@example.test`;
    await app.ctx.services.mailer.send({ to, subject: 'Nobody home', text: 'bounce' });
    const failed = async () => {
      const res = await request(app.url).get('/api/admin/jobs').set('Authorization', `Bearer ${adminToken}`);
      return (res.body as JobsOverview).failed.find((job) => job.summary?.startsWith(to));
    };
    await expect.poll(failed, { timeout: 10_000, interval: 250 }).toBeTruthy();
    expect(await failed()).toMatchObject({ queue: MAIL_QUEUE, attempts: 1, summary: `${to} — Nobody home` });
    expect((await failed())!.lastError).toContain('No such mailbox');
    expect(mailsTo(to)).toHaveLength(0);
  });

  it('keeps the mail text out of the queue table (it carries sign-in links)', async () => {
    const { user } = await buildStudent(app);
    await request(app.url).post('/api/auth/password-reset').send({ email: user.email });
    await sink.waitFor((m) => m.to.includes(user.email), 10_000);
    const rows = await app.infra.orm.em.fork().getConnection().execute(`select data::text as data from pgboss.job where name = ? and data->>'summary' like ?`, [MAIL_QUEUE, `${user.email}%`]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).not.toContain('reset-password');
  });
});
