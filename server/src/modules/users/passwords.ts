import argon2 from 'argon2';
import { password as passwordPolicy } from '@tp/shared';
import { AppError } from '../../infra/errors.js';

const options = { type: argon2.argon2id } as const;
let dummyHash: Promise<string> | undefined;

export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, options);
}

/** Compares in constant work even when there is no hash, so timing does not reveal which emails exist. */
export async function passwordMatches(hash: string | null, plain: string): Promise<boolean> {
  dummyHash ??= argon2.hash('not-a-real-password-1A', options);
  const target = hash ?? (await dummyHash);
  const ok = await argon2.verify(target, plain).catch(() => false);
  return ok && hash !== null;
}

/** The policy for a new password (the same one the shared schemas enforce). */
export function assertPasswordPolicy(plain: string): void {
  const checked = passwordPolicy.safeParse(plain);
  if (!checked.success) {
    throw new AppError('auth/weak-password', 'The password is too weak', { fields: { password: checked.error.issues[0]!.message } });
  }
}
