import type { User } from './user.entity.js';

/** The fields an admin edit may change that the audit log shows before and after. */
const AUDITED_FIELDS = ['email', 'firstName', 'lastName', 'role', 'active'] as const;

export type UserChanges = Partial<Record<(typeof AUDITED_FIELDS)[number], { from: unknown; to: unknown }>>;

/** What an edit changed, field by field (a new password is noted, never shown). */
export function userChanges(before: User, after: User, passwordSet: boolean): UserChanges & { password?: 'set' } {
  const changes: UserChanges & { password?: 'set' } = {};
  for (const field of AUDITED_FIELDS) {
    if (before[field] !== after[field]) changes[field] = { from: before[field], to: after[field] };
  }
  if (passwordSet) changes.password = 'set';
  return changes;
}

/** The audit action for an edit: (de/re)activation stands out from other changes. */
export function userChangeAction(changes: UserChanges): string {
  if (changes.active) return changes.active.to ? 'user.reactivate' : 'user.deactivate';
  return 'user.update';
}
