import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildStudent } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildHomework } from '../../factories/homework.js';
import { startSmtpSink, type SmtpSink } from '../../fakes/smtp-sink.js';
import { QUICK_QUEUE } from './support/worker.js';

let app: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await createTestApp({ env: { SMTP_URL: sink.url, ...QUICK_QUEUE } });
});
afterAll(() => sink.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('homework assigned, by email through the queue', () => {
  it('reaches every student of the group once, in their language, even when the mail server was down at publishing', async () => {
    const russian = await buildStudent(app, { locale: 'ru', firstName: 'Ира' });
    const english = await buildStudent(app, { locale: 'en', firstName: 'Tom' });
    const outsider = await buildStudent(app);
    const built = await buildGroup(app, { name: 'Английский B1', students: [russian, english] });

    await sink.stop();
    const { homework } = await buildHomework(app, built, { title: 'Неделя 5' });
    await sleep(2_000);
    expect(sink.messages).toHaveLength(0);

    await sink.start();
    const mailsTo = (email: string) => sink.messages.filter((m) => m.to.includes(email));
    await expect.poll(() => mailsTo(russian.user.email).length + mailsTo(english.user.email).length, { timeout: 40_000, interval: 250 }).toBe(2);
    await sleep(1_500);
    expect(mailsTo(russian.user.email)).toHaveLength(1);
    expect(mailsTo(english.user.email)).toHaveLength(1);
    expect(mailsTo(outsider.user.email)).toHaveLength(0);
    expect(mailsTo(russian.user.email)[0]!.subject).toBe('Новое домашнее задание «Неделя 5»');
    expect(mailsTo(english.user.email)[0]!.subject).toBe('New homework "Неделя 5"');
    expect(mailsTo(english.user.email)[0]!.text).toContain(`/app/homework/${homework.id}`);
    expect(mailsTo(russian.user.email)[0]!.text).toContain('«Английский B1»');
  }, 90_000);
});
