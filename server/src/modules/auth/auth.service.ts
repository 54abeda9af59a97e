import { LIMITS, type RegisterBody, type Role } from '@tp/shared';
import { publicUrl } from '../../config/env.js';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { Limiter } from '../../infra/rate-limit.js';
import { SignInGuard } from './sign-in-guard.js';
import type { Mailer, SentMail } from '../../infra/mailer.js';
import type { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import type { ActionTokenPurpose } from './auth.entity.js';
import type { AuthRepository, OAuthProvider } from './auth.repository.js';
import { accountMail, type MailKind } from './auth.mails.js';
import { newSecretToken, sha256, type Session, type SessionsService } from './sessions.service.js';

export interface OAuthProfile {
  provider: OAuthProvider;
  providerUserId: string;
  email: string | null;
  firstName: string;
  lastName: string;
}

const CONFIRM_TOKEN_DAYS = 7;
const REQUESTED_MAILS_PER_HOUR = 5;
const invalidCredentials = () => new AppError('auth/invalid-credentials', 'Wrong email or password');

/** Sign-in in all its forms, password reset and email confirmation. */
export class AuthService {
  private readonly guard: SignInGuard;
  /** Requested mails (reset links, confirmation resends) per address, so nobody can mail-bomb an inbox. */
  private readonly requestedMail: Limiter;

  constructor(
    private readonly repo: AuthRepository,
    private readonly users: UsersService,
    readonly sessions: SessionsService,
    private readonly mailer: Mailer,
    private readonly infra: Pick<Infra, 'clock' | 'env' | 'logger' | 'limiter' | 'failureCounter' | 'signIns'>,
  ) {
    this.guard = new SignInGuard(infra.failureCounter, infra.env.SIGN_IN_ADDRESS_FAILURES_PER_DAY);
    this.requestedMail = infra.limiter('requested-mail', REQUESTED_MAILS_PER_HOUR, 3600);
  }

  /** Where links in emails point. */
  get publicUrl(): string {
    return publicUrl(this.infra.env);
  }

  async login(email: string, password: string, ip: string): Promise<Session> {
    return this.signInWithPassword(email, password, ip);
  }

  /**
   * Unknown emails go through the same steps (one hash verification included) as wrong passwords.
   * The whole attempt waits for its turn in the sign-in queue (see Infra.signIns).
   */
  private signInWithPassword(email: string, password: string, ip: string): Promise<Session> {
    return this.infra.signIns.run(async () => {
      const user = await this.guard.attempt(email, ip, () => this.users.verifyCredentials(email, password));
      if (!user) throw invalidCredentials();
      return this.sessions.start(user);
    });
  }

  /** An OAuth callback counts against the address until it ends in a sign-in (429 past the budget). */
  async countOAuthAttempt(ip: string): Promise<void> {
    await this.guard.countAddressAttempt(ip);
  }

  /**
   * Role-first sign-in: an existing email signs in (keeping its stored role whatever was chosen);
   * a new one becomes an account with the chosen role.
   */
  async enter(email: string, password: string, chosenRole: Role | null, ip: string): Promise<Session & { created: boolean }> {
    if (await this.users.findByEmail(email)) return { ...(await this.signInWithPassword(email, password, ip)), created: false };
    await this.guard.assertAddressOpen(ip);
    if (!chosenRole) throw new AppError('auth/role-required', 'Choose whether you are a teacher or a student first');
    const localPart = email.split('@')[0]!.slice(0, LIMITS.name.max);
    const user = await this.users.createAccount({ email, password, role: chosenRole, firstName: localPart, lastName: '' });
    await this.sendConfirmation(user);
    return { ...(await this.sessions.start(user)), created: true };
  }

  async register(input: RegisterBody): Promise<Session> {
    const user = await this.users.createAccount(input);
    await this.sendConfirmation(user);
    return this.sessions.start(user);
  }

  /** VK/Yandex: the linked account, else the account with that email (now linked), else a new one. */
  async oauthSignIn(profile: OAuthProfile, chosenRole: Role | null, ip: string): Promise<Session> {
    const now = this.infra.clock.now();
    const linkedId = await this.repo.findIdentityUserId(profile.provider, profile.providerUserId);
    let user: User | null = linkedId ? await this.users.findById(linkedId) : null;
    if (!user) {
      if (!profile.email) throw new AppError('auth/oauth-failed', 'The provider did not share an email address');
      user = await this.users.findByEmail(profile.email);
      if (!user) {
        if (!chosenRole) throw new AppError('auth/role-required', 'Choose whether you are a teacher or a student first');
        user = await this.users.createAccount({
          email: profile.email,
          role: chosenRole,
          firstName: profile.firstName.slice(0, LIMITS.name.max) || profile.email.split('@')[0]!,
          lastName: profile.lastName.slice(0, LIMITS.name.max),
          emailVerified: true,
        });
      }
      await this.repo.linkIdentity(user.id, profile.provider, profile.providerUserId, now);
    }
    if (!user.active) throw invalidCredentials();
    await this.guard.addressSucceeded(ip);
    return this.sessions.start(user);
  }

  /** Always the same outcome for the caller, whether or not the email has an account. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || !user.active || !(await this.mayRequestMail(user.email))) return;
    await this.mailResetLink(user);
  }

  /** An admin's "send a reset link": the same mail; past the address's budget the admin is told (429). */
  async sendPasswordResetLink(user: User): Promise<void> {
    await this.requestedMail.consume(user.email, 'Too many mails to this address; try again later');
    await this.mailResetLink(user);
  }

  private async mailResetLink(user: User): Promise<void> {
    const token = await this.createActionToken(user.id, 'password-reset', LIMITS.resetTokenMinutes * 60_000);
    await this.send('reset', user, `${this.publicUrl}/reset-password?token=${token}`);
  }

  /** Sets the new password and ends every session of the account. */
  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const userId = await this.consumeActionToken(token, 'password-reset');
    await this.users.setPassword(userId, password);
    await this.sessions.endAll(userId);
  }

  async confirmEmail(token: string): Promise<User> {
    const userId = await this.consumeActionToken(token, 'email-confirm');
    return this.users.markEmailVerified(userId);
  }

  async resendConfirmation(userId: string): Promise<void> {
    const user = await this.users.getById(userId);
    if (!user.emailVerified && (await this.mayRequestMail(user.email))) await this.sendConfirmation(user);
  }

  /** Past the budget the request is quietly dropped: the answer must not differ for unknown emails. */
  private async mayRequestMail(email: string): Promise<boolean> {
    try {
      await this.requestedMail.consume(email);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate/limited') {
        this.infra.logger.warn({ email }, 'requested mail dropped: too many requests');
        return false;
      }
      throw error;
    }
  }

  /** Nags unconfirmed users (each at most once a day); returns how many were reminded. */
  async sendConfirmReminders(limit = 100): Promise<number> {
    const due = await this.users.claimConfirmReminders(limit);
    for (const user of due) await this.sendConfirmation(user, 'reminder');
    return due.length;
  }

  /** The dev mailbox (no SMTP configured); empty with SMTP. */
  devMailbox(): SentMail[] {
    return this.mailer.recent();
  }

  private async sendConfirmation(user: User, kind: MailKind = 'confirm'): Promise<void> {
    const token = await this.createActionToken(user.id, 'email-confirm', CONFIRM_TOKEN_DAYS * 24 * 3600_000);
    await this.send(kind, user, `${this.publicUrl}/confirm-email?token=${token}`);
  }

  private async createActionToken(userId: string, purpose: ActionTokenPurpose, ttlMs: number): Promise<string> {
    const now = this.infra.clock.now();
    const token = newSecretToken();
    await this.repo.insertActionToken({ userId, purpose, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + ttlMs), createdAt: now });
    return token;
  }

  private async consumeActionToken(token: string, purpose: ActionTokenPurpose): Promise<string> {
    const now = this.infra.clock.now();
    const row = await this.repo.findActionToken(sha256(token), purpose);
    if (!row || row.usedAt) throw new AppError('auth/token-invalid', 'This link is invalid or was already used');
    if (row.expiresAt <= now) throw new AppError('auth/token-expired', 'This link has expired; ask for a new one');
    if (!(await this.repo.consumeActionToken(row.id, now))) {
      throw new AppError('auth/token-invalid', 'This link is invalid or was already used');
    }
    return row.userId;
  }

  /** A mail that cannot be delivered must not undo the account change that caused it. */
  private async send(kind: MailKind, user: User, link: string): Promise<void> {
    try {
      await this.mailer.send(accountMail(kind, user, link));
    } catch (error) {
      this.infra.logger.error({ err: error, to: user.email, kind }, 'could not send mail');
    }
  }
}
