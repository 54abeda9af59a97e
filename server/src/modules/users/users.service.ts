import type { Role, adminCreateUserBody, adminUpdateUserBody, adminUsersQuery, updateProfileBody } from '@tp/shared';
import type { z } from 'zod';
import type { Clock } from '../../infra/clock.js';
import { AppError, notFound } from '../../infra/errors.js';
import { UsersRepository, emailTaken, type UserPatch } from './users.repository.js';
import type { PasswordHasher } from '../../infra/password-hasher.js';
import { assertPasswordPolicy } from './passwords.js';
import type { User } from './user.entity.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { userChangeAction, userChanges } from './user-changes.js';

export interface NewAccount {
  email: string;
  /** Absent for OAuth-only accounts. */
  password?: string;
  role: Role;
  firstName: string;
  lastName: string;
  birthDate?: string | null;
  timezone?: string;
  locale?: 'ru' | 'en';
  emailVerified?: boolean;
}

/** Called when a user's existing sessions must end (deactivation, password change by an admin). */
export type SessionRevoker = (userId: string) => Promise<void>;
/** Sends the user a password reset link (the auth module's reset flow). */
export type ResetLinkSender = (user: User) => Promise<void>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs `save` only if the user's schedule allows the new week anchor (else throws). */
export type WeekAnchorGuard = (userId: string, anchorDate: string | null, save: () => Promise<User>) => Promise<User>;

/** Accounts: lookup for every module, profile edits, admin management. */
export class UsersService {
  private revokeSessions: SessionRevoker = async () => {};
  private restoreSessions: SessionRevoker = async () => {};
  private sendResetLink: ResetLinkSender = async () => {};
  private audit: Pick<AuditService, 'record'> = { record: async () => {} };

  constructor(
    private readonly repo: UsersRepository,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
  ) {}

  /** The auth module plugs in its refresh-token revocation (it depends on us, not the reverse). */
  onSessionsInvalidated(revoker: SessionRevoker, restorer?: SessionRevoker): void {
    this.revokeSessions = revoker;
    if (restorer) this.restoreSessions = restorer;
  }

  /** The auth module's reset flow, for the admin's "send a reset link". */
  sendResetLinksWith(sender: ResetLinkSender): void {
    this.sendResetLink = sender;
  }

  /** Admins' changes to accounts are written to the audit log. */
  recordAuditIn(audit: Pick<AuditService, 'record'>): void {
    this.audit = audit;
  }

  findById(id: string): Promise<User | null> {
    return this.repo.findById(id);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.repo.findByEmail(email);
  }

  listByIds(ids: string[]): Promise<User[]> {
    return this.repo.listByIds(ids);
  }

  async getById(id: string): Promise<User> {
    const user = await this.repo.findById(id);
    if (!user) throw notFound('user/not-found', 'User');
    return user;
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  /** Creates an account; the password (when given) must satisfy the policy. */
  async createAccount(account: NewAccount): Promise<User> {
    if (account.password !== undefined) assertPasswordPolicy(account.password);
    if (await this.repo.findByEmail(account.email)) throw emailTaken();
    return this.repo.insert({
      email: account.email,
      passwordHash: account.password === undefined ? null : await this.passwords.hash(account.password),
      role: account.role,
      firstName: account.firstName,
      lastName: account.lastName,
      birthDate: account.birthDate ?? null,
      ...(account.timezone ? { timezone: account.timezone } : {}),
      ...(account.locale ? { locale: account.locale } : {}),
      emailVerified: account.emailVerified ?? false,
      createdAt: this.clock.now(),
    });
  }

  /**
   * The active user with this email and password, or null (same answer, and the same one hash
   * verification, for every kind of mismatch). A hash made with older parameters is replaced now,
   * while the plain password is at hand.
   */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const found = await this.repo.findWithPasswordHash(email);
    const ok = await this.passwords.verify(found?.passwordHash ?? null, password);
    if (!ok || !found?.user.active) return null;
    if (this.passwords.needsRehash(found.passwordHash!)) {
      await this.repo.update(found.user.id, { passwordHash: await this.passwords.hash(password) });
    }
    return found.user;
  }

  async setPassword(userId: string, password: string): Promise<void> {
    assertPasswordPolicy(password);
    await this.repo.update(userId, { passwordHash: await this.passwords.hash(password) });
  }

  async markEmailVerified(userId: string): Promise<User> {
    const user = await this.repo.update(userId, { emailVerified: true });
    if (!user) throw notFound('user/not-found', 'User');
    return user;
  }

  /** Set by the composition root: the schedule vets a new week anchor and announces what moved. */
  private anchorGuard: WeekAnchorGuard = (_userId, _anchor, save) => save();

  guardWeekAnchor(guard: WeekAnchorGuard): void {
    this.anchorGuard = guard;
  }

  async updateProfile(userId: string, patch: z.infer<typeof updateProfileBody>): Promise<User> {
    const save = async () => {
      const user = await this.repo.update(userId, definedOnly(patch));
      if (!user) throw notFound('user/not-found', 'User');
      return user;
    };
    return patch.weekAnchorDate === undefined ? save() : this.anchorGuard(userId, patch.weekAnchorDate, save);
  }

  adminList(query: z.infer<typeof adminUsersQuery>): Promise<{ items: User[]; total: number }> {
    return this.repo.list(query);
  }

  async adminCreate(actor: AuditActor, body: z.infer<typeof adminCreateUserBody>): Promise<User> {
    const user = await this.createAccount(body);
    await this.audit.record({ actor, action: 'user.create', outcome: 'ok', detail: { userId: user.id, email: user.email, role: user.role } });
    return user;
  }

  /**
   * An admin's edit. Deactivation, a role change or a new password signs the user out everywhere at
   * once; reactivation lets them sign in again. Fields sent unchanged change nothing.
   */
  async adminUpdate(actor: AuditActor, userId: string, body: z.infer<typeof adminUpdateUserBody>): Promise<User> {
    if (actor.userId === userId && (body.active === false || (body.role && body.role !== 'admin'))) {
      throw new AppError('auth/forbidden', 'You cannot deactivate yourself or drop your own admin role');
    }
    const before = await this.getById(userId);
    const { password, ...rest } = body;
    const patch: UserPatch = definedOnly(rest);
    if (password !== undefined) patch.passwordHash = await this.passwords.hash(password);
    if (patch.email && patch.email !== before.email && (await this.repo.findByEmail(patch.email))) throw emailTaken();
    const user = await this.repo.update(userId, patch);
    if (!user) throw notFound('user/not-found', 'User');
    const changes = userChanges(before, user, password !== undefined);
    if (changes.active?.to === false || changes.role || changes.password) await this.revokeSessions(userId);
    else if (changes.active) await this.restoreSessions(userId);
    if (Object.keys(changes).length) await this.audit.record({ actor, action: userChangeAction(changes), outcome: 'ok', detail: { userId, email: user.email, changes } });
    return user;
  }

  /** Mails the user a reset link through the usual reset flow (the admin never sees or sets the password). */
  async adminSendPasswordReset(actor: AuditActor, userId: string): Promise<void> {
    const user = await this.getById(userId);
    if (!user.active) throw new AppError('user/inactive', 'The account is deactivated; reactivate it first');
    await this.sendResetLink(user);
    await this.audit.record({ actor, action: 'user.password-reset', outcome: 'ok', detail: { userId, email: user.email } });
  }

  /** For the create-admin command: creates the admin or promotes (and re-passwords) an existing user. */
  async createOrPromoteAdmin(email: string, password: string): Promise<{ user: User; created: boolean }> {
    assertPasswordPolicy(password);
    const existing = await this.repo.findByEmail(email);
    if (!existing) {
      const user = await this.createAccount({ email, password, role: 'admin', firstName: 'Admin', lastName: 'Admin', emailVerified: true });
      return { user, created: true };
    }
    const user = await this.repo.update(existing.id, { role: 'admin', active: true, passwordHash: await this.passwords.hash(password) });
    await this.revokeSessions(existing.id);
    return { user: user!, created: false };
  }

  /** Unconfirmed users due a reminder (at most one a day each), marked as reminded now. */
  claimConfirmReminders(limit: number): Promise<User[]> {
    const now = this.clock.now();
    const dayAgo = new Date(now.getTime() - DAY_MS);
    return this.repo.claimConfirmReminders(now, dayAgo, dayAgo, limit);
  }
}

function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
