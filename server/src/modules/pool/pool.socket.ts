import { poolSyncPayload } from '@tp/shared';
import type { AppContext } from '../index.js';
import type { AppSocket } from '../../io.js';

/** Admins get a pool snapshot on connect and on `pool:sync` (after a gap in sequence numbers). */
export function poolSocket(ctx: AppContext, socket: AppSocket): void {
  const isAdmin = () => socket.data.role === 'admin';
  socket.on('pool:sync', async (payload, ack) => {
    if (typeof ack !== 'function') return;
    if (!isAdmin()) return ack({ ok: false, error: { code: 'auth/forbidden', message: 'Admins only' } });
    if (!poolSyncPayload.safeParse(payload ?? {}).success) return ack({ ok: false, error: { code: 'request/invalid', message: 'Expected {}' } });
    try {
      ack({ ok: true, data: await ctx.services.poolAdmin.snapshot() });
    } catch (error) {
      ctx.infra.logger.error({ err: error }, 'pool snapshot failed');
      ack({ ok: false, error: { code: 'internal/error', message: 'Could not read the pool' } });
    }
  });
  if (isAdmin()) {
    ctx.services.poolAdmin
      .snapshot()
      .then((snapshot) => socket.emit('pool:snapshot', snapshot))
      .catch((error: unknown) => ctx.infra.logger.warn({ err: String(error) }, 'pool snapshot on connect failed'));
  }
}

/** Admins' sockets watch the pool. */
export async function poolRooms(_ctx: AppContext, user: { userId: string; role: string }): Promise<string[]> {
  return user.role === 'admin' ? ['admin:pool'] : [];
}
