import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LIMITS, rooms } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AppError } from '../../infra/errors.js';
import type { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import type { AuthRepository } from './auth.repository.js';
import { AccessCutoffs } from './access-cutoffs.js';

export interface Session {
  accessToken: string;
  user: User;
  /** The opaque refresh token for the httpOnly cookie; only its hash is stored. */
  refreshToken: string;
  refreshExpiresAt: Date;
}

export const newSecretToken = () => randomBytes(32).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const expired = () => new AppError('auth/unauthenticated', 'The session has ended; sign in again');

/** Access tokens plus rotating refresh tokens grouped in families (one family per sign-in). */
export class SessionsService {
  /** Refuses access tokens issued before a user's sessions were cut (checked by every token verification). */
  readonly cutoffs: AccessCutoffs;

  constructor(
    private readonly repo: AuthRepository,
    private readonly users: UsersService,
    private readonly infra: Pick<Infra, 'clock' | 'tokens' | 'logger' | 'redis' | 'broadcaster'>,
  ) {
    this.cutoffs = new AccessCutoffs(infra.redis, infra.logger, () => infra.clock.now().getTime());
  }

  /** A fresh sign-in: a new family. */
  start(user: User): Promise<Session> {
    return this.issue(user, randomUUID());
  }

  /**
   * Exchanges a refresh token for a new one of the same family. A token presented twice means it
   * leaked (or was replayed): the whole family is revoked and the caller must sign in again.
   */
  async rotate(refreshToken: string | undefined): Promise<Session> {
    if (!refreshToken) throw expired();
    const now = this.infra.clock.now();
    const row = await this.repo.findRefreshToken(sha256(refreshToken));
    if (!row || row.revokedAt) throw expired();
    if (row.usedAt || !(await this.repo.markRefreshTokenUsed(row.id, now))) {
      await this.repo.revokeFamily(row.familyId, now);
      this.infra.logger.warn({ userId: row.userId, familyId: row.familyId }, 'refresh token reused: family revoked');
      throw expired();
    }
    if (row.expiresAt <= now) throw expired();
    const user = await this.users.findById(row.userId);
    if (!user || !user.active) {
      await this.repo.revokeFamily(row.familyId, now);
      throw expired();
    }
    return this.issue(user, row.familyId);
  }

  /** Sign-out: the presented token's family ends. Unknown tokens are ignored. */
  async end(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    const row = await this.repo.findRefreshToken(sha256(refreshToken));
    if (row) await this.repo.revokeFamily(row.familyId, this.infra.clock.now());
  }

  async endAll(userId: string): Promise<void> {
    await this.repo.revokeAllForUser(userId, this.infra.clock.now());
  }

  /**
   * Signs the user out everywhere at once: refresh tokens revoked, access tokens cut off, and every
   * open socket of theirs, on every node, told and disconnected (through the socket adapter).
   */
  async endEverywhere(userId: string): Promise<void> {
    await this.endAll(userId);
    await this.cutoffs.cut(userId);
    const { broadcaster } = this.infra;
    await broadcaster.emit(rooms.user(userId), 'session:expired', { reason: 'signed out by an administrator' });
    broadcaster.disconnect(rooms.user(userId));
  }

  /** A reactivated user may sign in again at once. */
  allowAgain(userId: string): Promise<void> {
    return this.cutoffs.lift(userId);
  }

  private async issue(user: User, familyId: string): Promise<Session> {
    const now = this.infra.clock.now();
    const refreshToken = newSecretToken();
    const refreshExpiresAt = new Date(now.getTime() + LIMITS.refreshTokenDays * 24 * 3600 * 1000);
    await this.repo.insertRefreshToken({ userId: user.id, familyId, tokenHash: sha256(refreshToken), expiresAt: refreshExpiresAt, createdAt: now });
    const { token } = await this.infra.tokens.sign(user.id, user.role);
    return { accessToken: token, user, refreshToken, refreshExpiresAt };
  }
}
