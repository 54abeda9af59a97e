import type { AccountStateDto, LeaseDto, PoolSnapshotPayload, PoolStatsDto, ProviderName } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import type { AccountPatch } from './accounts.repository.js';
import { presentAccount, presentLease, presentStats } from './pool.presenter.js';
import type { PoolService } from './pool.service.js';
import type { Actor } from './pool.peers.js';

export interface AccountInput {
  provider: ProviderName;
  label: string;
  email: string;
  capacity: number;
  credentials?: { accountId: string; clientId: string; clientSecret: string; userId: string };
}

export type AccountUpdate = Partial<Omit<AccountInput, 'provider'>> & { active?: boolean; resume?: true };

/** The admin's side of the pool: accounts, stats, lease history, manual release. Credentials are write-only. */
export class PoolAdminService {
  constructor(private readonly pool: PoolService) {}

  private get core() {
    return this.pool.core;
  }

  async listAccounts(): Promise<AccountStateDto[]> {
    return (await this.core.accounts.states()).map(presentAccount);
  }

  async createAccount(actor: Actor | null, input: AccountInput): Promise<AccountStateDto> {
    const { infra, accounts, audit, events } = this.core;
    if (input.provider === 'zoom' && !input.credentials) {
      throw new AppError('request/invalid', 'A Zoom account needs its credentials', { fields: { credentials: 'required for zoom' } });
    }
    const id = await accounts.create({
      provider: input.provider,
      label: input.label,
      email: input.email,
      providerUserId: input.credentials?.userId ?? null,
      capacity: input.capacity,
      credentialsSealed: input.credentials ? infra.secretBox.seal(JSON.stringify(input.credentials)) : null,
      createdAt: infra.clock.now(),
    });
    await audit.record({ actor, action: 'account.create', accountId: id, outcome: 'ok', detail: { label: input.label, provider: input.provider, capacity: input.capacity } });
    events.accountChanged(id);
    return this.account(id);
  }

  /** Deactivating a busy account lets its current lessons finish: their leases stay until they end. */
  async updateAccount(actor: Actor, id: string, input: AccountUpdate): Promise<AccountStateDto> {
    const { infra, accounts, audit, events } = this.core;
    const patch: AccountPatch = {
      label: input.label,
      email: input.email,
      capacity: input.capacity,
      active: input.active,
      credentialsSealed: input.credentials ? infra.secretBox.seal(JSON.stringify(input.credentials)) : undefined,
      providerUserId: input.credentials?.userId,
      // Another Zoom app or user is not under the old one's limit.
      pausedUntil: input.resume || input.credentials ? null : undefined,
    };
    let found: boolean;
    try {
      found = await accounts.update(id, patch);
    } catch (error) {
      // The fence: a capacity below an occupied slot is refused by the database.
      if ((error as { code?: string }).code === '23514') throw new AppError('pool/account-busy', 'The account hosts more meetings right now than that capacity; try when they end');
      throw error;
    }
    if (!found) throw new AppError('pool/account-not-found', 'Account not found');
    const changed = Object.keys(input).filter((key) => key !== 'credentials');
    await audit.record({ actor, action: 'account.update', accountId: id, outcome: 'ok', detail: { changed, credentials: Boolean(input.credentials) } });
    events.accountChanged(id);
    return this.account(id);
  }

  /** Deletes an unused account; one with history is deactivated instead. */
  async removeAccount(actor: Actor, id: string): Promise<{ removed: 'deleted' | 'deactivated' }> {
    const removed = await this.core.accounts.remove(id);
    if (!removed) throw new AppError('pool/account-not-found', 'Account not found');
    await this.core.audit.record({ actor, action: `account.${removed === 'deleted' ? 'delete' : 'deactivate'}`, accountId: id, outcome: 'ok' });
    this.core.events.accountChanged(id);
    return { removed };
  }

  /** Ends every meeting on the account now; each lesson's teacher is told by whom and why. */
  async releaseAccount(actor: Actor, id: string, reason: string): Promise<AccountStateDto & { released: number }> {
    if (!(await this.core.accounts.find(id))) throw new AppError('pool/account-not-found', 'Account not found');
    const released = await this.pool.releaseAccount(id, actor, reason);
    return { ...(await this.account(id)), released };
  }

  async stats(): Promise<PoolStatsDto> {
    return presentStats(await this.core.accounts.stats(this.core.infra.clock.now()));
  }

  async leases(filter: { active?: boolean; limit: number; offset: number }): Promise<{ items: LeaseDto[]; total: number }> {
    const page = await this.core.accounts.leases(filter);
    return { total: page.total, items: page.items.map(presentLease) };
  }

  snapshot(): Promise<PoolSnapshotPayload> {
    return this.core.events.snapshot();
  }

  private async account(id: string): Promise<AccountStateDto> {
    const [state] = await this.core.accounts.states([id]);
    if (!state) throw new AppError('pool/account-not-found', 'Account not found');
    return presentAccount(state);
  }
}
