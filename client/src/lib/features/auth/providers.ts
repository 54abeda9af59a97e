import { http } from '$lib/api/http.js';

export type OAuthProvider = 'vk' | 'yandex';
const KNOWN: readonly OAuthProvider[] = ['vk', 'yandex'];

/** The OAuth providers the server has credentials for (`GET /api/auth/providers`). */
export async function loadProviders(): Promise<OAuthProvider[]> {
  const body = await http.get<unknown>('/api/auth/providers').catch(() => null);
  const list = Array.isArray(body) ? body : (body as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(list)) return [];
  const ids = list.map((item) => (typeof item === 'string' ? item : (item as { id?: unknown; name?: unknown })?.id ?? (item as { name?: unknown })?.name));
  return KNOWN.filter((known) => ids.includes(known));
}
