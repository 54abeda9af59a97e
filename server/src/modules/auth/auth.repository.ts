import type { Orm } from '../../infra/db.js';
import { ActionToken, OAuthIdentity, RefreshToken, type ActionTokenPurpose } from './auth.entity.js';

export type OAuthProvider = 'vk' | 'yandex';

export interface RefreshTokenRow {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** Refresh tokens, single-use action tokens and OAuth identities: only hashes are stored. */
export class AuthRepository {
  constructor(private readonly orm: Orm) {}

  /** One statement, no unit of work: every sign-in runs it, a class at a time. */
  async insertRefreshToken(row: { userId: string; familyId: string; tokenHash: string; expiresAt: Date; createdAt: Date }): Promise<void> {
    await this.orm.em.getConnection().execute(
      `insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at, created_at) values (gen_random_uuid(), ?, ?, ?, ?, ?)`,
      [row.userId, row.familyId, row.tokenHash, row.expiresAt, row.createdAt],
    );
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRow | null> {
    const token = await this.orm.em.fork().findOne(RefreshToken, { tokenHash });
    if (!token) return null;
    return { id: token.id, userId: token.user.id, familyId: token.familyId, expiresAt: token.expiresAt, usedAt: token.usedAt, revokedAt: token.revokedAt };
  }

  /** Marks the token used if nobody did yet; false means it was already used (a replay or a race). */
  async markRefreshTokenUsed(id: string, at: Date): Promise<boolean> {
    const changed = await this.orm.em.fork().nativeUpdate(RefreshToken, { id, usedAt: null, revokedAt: null }, { usedAt: at });
    return changed === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.orm.em.fork().nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: at });
  }

  async revokeAllForUser(userId: string, at: Date): Promise<void> {
    await this.orm.em.fork().nativeUpdate(RefreshToken, { user: userId, revokedAt: null }, { revokedAt: at });
  }

  async insertActionToken(row: { userId: string; purpose: ActionTokenPurpose; tokenHash: string; expiresAt: Date; createdAt: Date }): Promise<void> {
    const em = this.orm.em.fork();
    em.create(ActionToken, { user: row.userId, purpose: row.purpose, tokenHash: row.tokenHash, expiresAt: row.expiresAt, createdAt: row.createdAt });
    await em.flush();
  }

  async findActionToken(tokenHash: string, purpose: ActionTokenPurpose): Promise<{ id: string; userId: string; expiresAt: Date; usedAt: Date | null } | null> {
    const token = await this.orm.em.fork().findOne(ActionToken, { tokenHash, purpose });
    return token ? { id: token.id, userId: token.user.id, expiresAt: token.expiresAt, usedAt: token.usedAt } : null;
  }

  /** Single use: only the first caller gets true. */
  async consumeActionToken(id: string, at: Date): Promise<boolean> {
    return (await this.orm.em.fork().nativeUpdate(ActionToken, { id, usedAt: null }, { usedAt: at })) === 1;
  }

  async findIdentityUserId(provider: OAuthProvider, providerUserId: string): Promise<string | null> {
    const identity = await this.orm.em.fork().findOne(OAuthIdentity, { provider, providerUserId });
    return identity?.user.id ?? null;
  }

  async linkIdentity(userId: string, provider: OAuthProvider, providerUserId: string, at: Date): Promise<void> {
    await this.orm.em.fork().getConnection().execute(
      `insert into oauth_identities (id, user_id, provider, provider_user_id, created_at)
       values (gen_random_uuid(), ?, ?, ?, ?) on conflict (provider, provider_user_id) do nothing`,
      [userId, provider, providerUserId, at],
    );
  }
}
