import { createHash } from 'node:crypto';
import type { ProviderName } from '@tp/shared';
import type { Infra } from '../../../infra/container.js';
import { resolveSecrets } from '../../../infra/secrets.js';
import type { MeetingProvider } from '../provider.js';
import { DemoProvider } from './demo/demo.provider.js';
import { createZoomProvider } from './zoom/index.js';

/** Video providers by name; the pool picks one per account. */
export interface ProviderRegistry {
  get(name: ProviderName): MeetingProvider;
  readonly demo: DemoProvider;
}

export function createProviderRegistry(infra: Infra): ProviderRegistry {
  const { env } = infra;
  // Without PUBLIC_URL the link is relative, so it works at whichever address the browser used
  // (localhost or 127.0.0.1); with it, links are absolute as they are shown elsewhere.
  const publicUrl = env.PUBLIC_URL?.replace(/\/+$/, '') ?? '';
  // Host tokens must verify on every node, so the key derives from a secret all nodes share.
  const hostKey = createHash('sha256').update(`demo-host-key:${resolveSecrets(env, infra.logger).jwtSecret}`).digest('hex');
  const demo = new DemoProvider({ publicUrl, hostKey });
  const zoom = createZoomProvider({ oauthUrl: env.ZOOM_OAUTH_URL, apiUrl: env.ZOOM_API_URL, logger: infra.logger, clock: infra.clock });
  const providers = new Map<ProviderName, MeetingProvider>([
    ['demo', demo],
    ['zoom', zoom],
  ]);
  return {
    demo,
    get(name) {
      const provider = providers.get(name);
      if (!provider) throw new Error(`Meeting provider "${name}" is not available`);
      return provider;
    },
  };
}
