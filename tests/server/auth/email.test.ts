import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildStudent, buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../fakes/smtp-sink.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';
import { confirmReminderJob } from '../../../server/src/modules/auth/auth.jobs.js';
import { Browser } from './browser.js';

let app: TestApp;
let sink: SmtpSink;
const PUBLIC_URL = 'http://panel.example.test';

beforeAll(async () => {
  sink = await startSmtpSink();
  app = await createTestApp({ env: { SMTP_URL: sink.url, PUBLIC_URL, MAIL_FROM: 'Panel <panel@example.test>' } });
});
afterAll(() => sink.close());

const clock = () => app.clock as ManualClock;
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}@example.test`;
const tokenIn = (mail: ReceivedMail, path: string) => {
  const match = new RegExp(`${PUBLIC_URL}${path}\\?token=([\\w-]+)`).exec(mail.text);
  expect(match, `a ${path} link in: ${mail.text}`).not.toBeNull();
  return match![1]!;
};
const mailsTo = (email: string) => sink.messages.filter((m) => m.to.includes(email));

async function register(email: string, locale: 'ru' | 'en') {
  const res = await request(app.url).post('/api/auth/register').send({ email, password: 'Str0ngPass', firstName: 'Нина', lastName: 'Орлова', role: 'student', locale });
  expect(res.status).toBe(201);
  return res.body as { accessToken: string; user: { id: string } };
}

describe('email confirmation', () => {
  it('sends a Russian confirmation over SMTP and confirms once', async () => {
    const email = unique('nina');
    const { accessToken } = await register(email, 'ru');
    const mail = await sink.waitFor((m) => m.to.includes(email));
    expect(mail.from).toBe('panel@example.test');
    expect(mail.subject).toContain('Подтвердите адрес почты');
    expect(mail.text).toContain('Здравствуйте, Нина!');
    expect(mail.html).toContain('/confirm-email?token=');
    const token = tokenIn(mail, '/confirm-email');

    const confirmed = await request(app.url).post('/api/auth/confirm-email').send({ token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.emailVerified).toBe(true);
    const me = await request(app.url).get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`);
    expect(me.body.emailVerified).toBe(true);

    const again = await request(app.url).post('/api/auth/confirm-email').send({ token });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('auth/token-invalid');
  });

  it('writes English mail for English users and resends on request', async () => {
    const email = unique('eng');
    const { accessToken } = await register(email, 'en');
    await sink.waitFor((m) => m.to.includes(email));
    const res = await request(app.url).post('/api/auth/confirm-email/resend').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(202);
    await expect.poll(() => mailsTo(email).length).toBe(2);
    expect(mailsTo(email).every((m) => m.subject === 'Confirm your email — Teaching Panel')).toBe(true);
    expect((await request(app.url).post('/api/auth/confirm-email/resend')).status).toBe(401);
  });

  it('rejects unknown tokens', async () => {
    const res = await request(app.url).post('/api/auth/confirm-email').send({ token: 'x'.repeat(43) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('auth/token-invalid');
  });
});

describe('password reset', () => {
  it('answers the same whether or not the email has an account, and mails only real ones', async () => {
    const { user } = await buildTeacher(app);
    const ghost = unique('ghost');
    const known = await request(app.url).post('/api/auth/password-reset').send({ email: user.email });
    const unknown = await request(app.url).post('/api/auth/password-reset').send({ email: ghost });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    const mail = await sink.waitFor((m) => m.to.includes(user.email));
    expect(mail.subject).toBe('Reset your password — Teaching Panel');
    expect(mailsTo(ghost)).toHaveLength(0);
  });

  it('sets the new password with a single-use token and ends every session', async () => {
    const { user } = await buildStudent(app);
    const browser = new Browser(app.url);
    await browser.loadCsrf();
    await browser.post('/api/auth/login', { email: user.email, password: DEFAULT_PASSWORD });

    await request(app.url).post('/api/auth/password-reset').send({ email: user.email });
    const token = tokenIn(await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes('reset-password')), '/reset-password');

    const done = await request(app.url).post('/api/auth/password-reset/confirm').send({ token, password: 'NewPassw0rd' });
    expect(done.status).toBe(200);
    expect((await request(app.url).post('/api/auth/login').send({ email: user.email, password: DEFAULT_PASSWORD })).status).toBe(401);
    expect((await request(app.url).post('/api/auth/login').send({ email: user.email, password: 'NewPassw0rd' })).status).toBe(200);
    expect((await browser.post('/api/auth/refresh')).status).toBe(401);

    const reuse = await request(app.url).post('/api/auth/password-reset/confirm').send({ token, password: 'Another1Pass' });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.code).toBe('auth/token-invalid');
    expect((await request(app.url).post('/api/auth/login').send({ email: user.email, password: 'Another1Pass' })).status).toBe(401);
  });

  it('expires the token after one hour', async () => {
    const { user } = await buildStudent(app);
    await request(app.url).post('/api/auth/password-reset').send({ email: user.email });
    const token = tokenIn(await sink.waitFor((m) => m.to.includes(user.email)), '/reset-password');
    clock().advance(61 * 60 * 1000);
    const res = await request(app.url).post('/api/auth/password-reset/confirm').send({ token, password: 'NewPassw0rd' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('auth/token-expired');
    expect((await request(app.url).post('/api/auth/login').send({ email: user.email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it('still works just before the hour is up', async () => {
    const { user } = await buildStudent(app);
    await request(app.url).post('/api/auth/password-reset').send({ email: user.email });
    const token = tokenIn(await sink.waitFor((m) => m.to.includes(user.email)), '/reset-password');
    clock().advance(59 * 60 * 1000);
    expect((await request(app.url).post('/api/auth/password-reset/confirm').send({ token, password: 'NewPassw0rd' })).status).toBe(200);
  });

  it('quietly stops mailing one address after a few requests an hour', async () => {
    const { user } = await buildStudent(app);
    for (let i = 0; i < 7; i++) {
      expect((await request(app.url).post('/api/auth/password-reset').send({ email: user.email })).status).toBe(202);
    }
    await expect.poll(() => mailsTo(user.email).length).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailsTo(user.email)).toHaveLength(5);
  });

  it('applies the password policy to the new password', async () => {
    const res = await request(app.url).post('/api/auth/password-reset/confirm').send({ token: 'y'.repeat(43), password: 'weakpass' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.password).toBeTruthy();
  });
});

describe('confirmation reminders', () => {
  it('nags unconfirmed users at most once a day, never confirmed ones', async () => {
    const pending = unique('pending');
    await register(pending, 'en');
    const confirmedUser = await buildTeacher(app);
    await app.ctx.services.users.markEmailVerified(confirmedUser.user.id);
    await sink.waitFor((m) => m.to.includes(pending));

    const reminders = () => mailsTo(pending).filter((m) => m.subject.startsWith('Reminder'));
    await confirmReminderJob.run(app.ctx);
    expect(reminders()).toHaveLength(0); // not a day old yet

    clock().advance(25 * 3600 * 1000);
    await confirmReminderJob.run(app.ctx);
    await confirmReminderJob.run(app.ctx);
    await expect.poll(() => reminders().length).toBe(1);
    expect(tokenIn(reminders()[0]!, '/confirm-email')).toBeTruthy();
    expect(mailsTo(confirmedUser.user.email).some((m) => m.subject.startsWith('Reminder'))).toBe(false);

    clock().advance(12 * 3600 * 1000);
    await confirmReminderJob.run(app.ctx);
    expect(reminders()).toHaveLength(1);

    clock().advance(13 * 3600 * 1000);
    await confirmReminderJob.run(app.ctx);
    await expect.poll(() => reminders().length).toBe(2);
  });

  it('runs inside the server only in single-node mode', () => {
    expect(confirmReminderJob.runsInServer!(app.ctx)).toBe(true);
  });
});

describe('dev mailbox', () => {
  it('keeps mail in memory without SMTP and hides the page in production', async () => {
    const devApp = await createTestApp();
    const { user } = await buildTeacher(devApp, { locale: 'ru' });
    await request(devApp.url).post('/api/auth/password-reset').send({ email: user.email });
    const box = await request(devApp.url).get('/api/dev/mailbox');
    expect(box.status).toBe(200);
    expect(box.body.delivery).toBe('log');
    expect(box.body.messages[0]).toMatchObject({ to: user.email, subject: 'Сброс пароля — Teaching Panel' });
    expect(box.body.messages[0].text).toContain(`${devApp.ctx.services.auth.publicUrl}/reset-password?token=`);

    const prodApp = await createTestApp({ env: { NODE_ENV: 'production' } });
    const hidden = await request(prodApp.url).get('/api/dev/mailbox');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('request/not-found');
  });
});
