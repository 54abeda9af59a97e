import { demoMeetingPresencePayload, poolSyncPayload } from '@tp/shared';
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

/**
 * The demo meeting page says it is open (`meeting:enter`) and closing (`meeting:leave`); a socket that
 * goes away without saying so (a closed tab, a lost network) leaves at its disconnect. Each enter is a
 * stay of its own, so time in the meeting counts from join to leave and a reopened page starts anew.
 */
export function demoPresenceSocket(ctx: AppContext, socket: AppSocket): void {
  const pool = ctx.services.pool;
  const stays = new Map<string, string>(); // meeting id → open stay on this socket
  // one socket's enters and leaves run one after another, so a repeated enter never opens two stays
  let last: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(run: () => Promise<T>): Promise<T> => {
    const next = last.then(run, run);
    last = next.catch(() => undefined);
    return next;
  };
  const leave = async (meetingId: string) => {
    const stayId = stays.get(meetingId);
    stays.delete(meetingId);
    if (stayId) await pool.leaveDemoMeeting(stayId);
    return stayId !== undefined;
  };
  const handle = (run: (payload: { meetingId: string; hostToken?: string }) => Promise<boolean>) => (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (result: unknown) => void) : () => {};
    const parsed = demoMeetingPresencePayload.safeParse(payload);
    if (!parsed.success) return reply({ ok: false, error: { code: 'request/invalid', message: 'Expected {meetingId, hostToken?}' } });
    inOrder(() => run(parsed.data)).then(
      (counted) => reply({ ok: true, data: { counted } }),
      (error: unknown) => {
        ctx.infra.logger.error({ err: error }, 'demo meeting presence failed');
        reply({ ok: false, error: { code: 'internal/error', message: 'Something went wrong' } });
      },
    );
  };
  socket.on(
    'meeting:enter',
    handle(async ({ meetingId, hostToken }) => {
      await leave(meetingId); // entered again on the same socket (a reconnect's resync): one stay at a time
      const stayId = await pool.enterDemoMeeting(meetingId, hostToken, { userId: socket.data.userId, role: socket.data.role });
      if (stayId && !socket.connected) await pool.leaveDemoMeeting(stayId);
      else if (stayId) stays.set(meetingId, stayId);
      return stayId !== null;
    }),
  );
  socket.on(
    'meeting:leave',
    handle(({ meetingId }) => leave(meetingId)),
  );
  socket.on('disconnect', () => {
    inOrder(async () => {
      for (const meetingId of [...stays.keys()]) await leave(meetingId);
    }).catch((error: unknown) => ctx.infra.logger.warn({ err: String(error) }, 'demo meeting leave failed'));
  });
}

/** Admins' sockets watch the pool. */
export async function poolRooms(_ctx: AppContext, user: { userId: string; role: string }): Promise<string[]> {
  return user.role === 'admin' ? ['admin:pool'] : [];
}
