import { password as passwordPolicy } from '@tp/shared';
import { AppError } from '../../infra/errors.js';

/** The policy for a new password (the same one the shared schemas enforce). */
export function assertPasswordPolicy(plain: string): void {
  const checked = passwordPolicy.safeParse(plain);
  if (!checked.success) {
    throw new AppError('auth/weak-password', 'The password is too weak', { fields: { password: checked.error.issues[0]!.message } });
  }
}
