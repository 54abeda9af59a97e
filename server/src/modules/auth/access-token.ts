import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { LIMITS, role as roleSchema, type Role } from '@tp/shared';
import type { Clock } from '../../infra/clock.js';
import { AppError } from '../../infra/errors.js';

export interface AccessClaims {
  userId: string;
  role: Role;
  /** Milliseconds since epoch. */
  expiresAt: number;
}

/** Tells whether a user's token issued at `issuedAtMs` was revoked before it ran out. */
export type RevocationCheck = (userId: string, issuedAtMs: number) => Promise<boolean>;

/** Short-lived signed access tokens (HS256). */
export class AccessTokens {
  private readonly key: Uint8Array;
  /** Imported once: given raw bytes, jose would import the key again for every token. */
  private readonly signingKey: Promise<webcrypto.CryptoKey>;
  private revoked: RevocationCheck = async () => false;
  constructor(secret: string, private readonly clock: Clock) {
    this.key = new TextEncoder().encode(secret);
    this.signingKey = webcrypto.subtle.importKey('raw', this.key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  /** The auth module plugs in its cutoffs (a deactivated user's tokens stop working at once). */
  checkRevocation(check: RevocationCheck): void {
    this.revoked = check;
  }

  async sign(userId: string, role: Role): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const exp = issuedAt + LIMITS.accessTokenSeconds;
    const token = await new SignJWT({ role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(exp)
      .setAudience('teaching-panel')
      .sign(await this.signingKey);
    return { token, expiresAt: exp * 1000 };
  }

  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.signingKey, {
        algorithms: ['HS256'],
        audience: 'teaching-panel',
        currentDate: this.clock.now(),
      });
      const role = roleSchema.safeParse(payload.role);
      if (!payload.sub || !role.success || !payload.exp) throw new AppError('auth/unauthenticated', 'Invalid token');
      if (await this.revoked(payload.sub, (payload.iat ?? 0) * 1000)) throw new AppError('auth/unauthenticated', 'The session has ended; sign in again');
      return { userId: payload.sub, role: role.data, expiresAt: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AppError('auth/unauthenticated', 'The session has expired');
      if (error instanceof AppError) throw error;
      throw new AppError('auth/unauthenticated', 'Invalid token');
    }
  }

  /** `value.mac`: a small tamper-proof value for a cookie (HMAC-SHA256 with the same secret). */
  signValue(value: string): string {
    return `${value}.${this.mac(value)}`;
  }

  /** The value if `signed` came from `signValue`, else null. */
  unsignValue(signed: string | undefined): string | null {
    if (!signed) return null;
    const dot = signed.lastIndexOf('.');
    if (dot <= 0) return null;
    const value = signed.slice(0, dot);
    const given = Buffer.from(signed.slice(dot + 1));
    const expected = Buffer.from(this.mac(value));
    return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
  }

  private mac(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}
