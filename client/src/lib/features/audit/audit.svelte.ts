import type { AccountStateDto, AuditEntryDto, UserDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

export const AUDIT_ACTIONS = [
  'lesson.start',
  'lesson.release.teacher',
  'lesson.release.webhook',
  'lesson.release.sweep',
  'lesson.release.admin',
  'lesson.release.failure',
  'account.create',
  'account.update',
  'account.deactivate',
  'account.delete',
  'lesson.create',
  'lesson.move',
  'lesson.rename',
  'lesson.cancel',
  'lesson.restore',
  'group.member.add',
  'group.member.join',
  'group.member.remove',
  'user.create',
  'user.update',
  'user.deactivate',
  'user.reactivate',
  'user.password-reset',
] as const;

export interface AuditFilters {
  actorId: string;
  accountId: string;
  action: string;
  outcome: '' | 'ok' | 'error';
  /** Local calendar dates (yyyy-mm-dd), inclusive. */
  from: string;
  to: string;
}

export const PAGE_SIZE = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

export const emptyFilters = (): AuditFilters => ({ actorId: '', accountId: '', action: '', outcome: '', from: '', to: '' });

/** A local date's midnight as an instant; `to` dates count whole days, so the bound is the next midnight. */
function dayStart(date: string, plusDays = 0): string | undefined {
  if (!date) return undefined;
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(new Date(y, m - 1, d).getTime() + plusDays * DAY_MS).toISOString();
}

/** `GET /api/audit` with filters and paging, plus the people and accounts the filters offer. */
export class AuditLogView {
  items = $state<AuditEntryDto[]>([]);
  total = $state(0);
  offset = $state(0);
  loading = $state(true);
  error = $state<unknown>(null);
  filters = $state<AuditFilters>(emptyFilters());
  actors = $state<UserDto[]>([]);
  accounts = $state<AccountStateDto[]>([]);
  private request = 0;

  async load(offset = this.offset): Promise<void> {
    const mine = ++this.request;
    this.loading = true;
    const f = this.filters;
    try {
      const page = await http.get<{ items: AuditEntryDto[]; total: number }>('/api/audit', {
        actorId: f.actorId || undefined,
        accountId: f.accountId || undefined,
        action: f.action || undefined,
        outcome: f.outcome || undefined,
        from: dayStart(f.from),
        to: dayStart(f.to, 1),
        limit: PAGE_SIZE,
        offset,
      });
      if (mine !== this.request) return;
      this.items = page.items;
      this.total = page.total;
      this.offset = offset;
      this.error = null;
    } catch (error) {
      if (mine === this.request) this.error = error;
    } finally {
      if (mine === this.request) this.loading = false;
    }
  }

  /** Teachers and admins for the "who" filter, accounts for the "account" filter. Failures leave them empty. */
  async loadChoices(): Promise<void> {
    const [users, accounts] = await Promise.all([
      http.get<{ items: UserDto[] }>('/api/admin/users', { limit: 200 }).catch(() => ({ items: [] as UserDto[] })),
      http.get<AccountStateDto[]>('/api/pool/accounts').catch(() => [] as AccountStateDto[]),
    ]);
    this.actors = users.items.filter((user) => user.role !== 'student');
    this.accounts = accounts;
  }

  accountLabel(id: string | null): string {
    if (!id) return '';
    return this.accounts.find((account) => account.id === id)?.label ?? id.slice(0, 8);
  }
}
