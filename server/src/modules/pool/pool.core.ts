import type { Infra } from '../../infra/container.js';
import type { ProviderRegistry } from '../meetings/providers/index.js';
import type { ProviderAccount, ZoomCredentials } from '../meetings/provider.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AccountsRepository } from './accounts.repository.js';
import type { PoolRepository } from './pool.repository.js';
import type { PoolEvents } from './pool.events.js';
import type { PoolPeers } from './pool.peers.js';

/** What the pool's parts share. */
export interface PoolCore {
  infra: Infra;
  repo: PoolRepository;
  accounts: AccountsRepository;
  providers: ProviderRegistry;
  events: PoolEvents;
  audit: AuditService;
  peers: () => PoolPeers;
}

/** The provider and the decrypted account it acts for; credentials live in memory only. */
export function providerAccount(
  core: PoolCore,
  account: { id: string; label: string; email: string; credentialsSealed: string | null },
): ProviderAccount {
  const credentials = account.credentialsSealed ? (JSON.parse(core.infra.secretBox.open(account.credentialsSealed)) as ZoomCredentials) : null;
  return { id: account.id, label: account.label, email: account.email, credentials };
}
