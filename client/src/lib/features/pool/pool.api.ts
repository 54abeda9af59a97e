import type { AccountStateDto, ProviderName } from '@tp/shared';
import { http } from '$lib/api/http.js';

export interface Credentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
  userId: string;
}

export interface NewAccount {
  provider: ProviderName;
  label: string;
  email: string;
  capacity: number;
  credentials?: Credentials;
}

export type AccountPatch = Partial<Pick<NewAccount, 'label' | 'email' | 'capacity' | 'credentials'>> & { active?: boolean; resume?: true };

const path = (id: string, tail = '') => `/api/pool/accounts/${encodeURIComponent(id)}${tail}`;

/** The admin pool API. Credentials are write-only: they go out, never come back. */
export const poolApi = {
  create: (input: NewAccount) => http.post<AccountStateDto>('/api/pool/accounts', input),
  update: (id: string, patch: AccountPatch) => http.patch<AccountStateDto>(path(id), patch),
  /** Ends every meeting on the account; the reason is shown to each lesson's teacher and audited. */
  release: (id: string, reason: string) => http.post<AccountStateDto & { released: number }>(path(id, '/release'), { reason }),
};
