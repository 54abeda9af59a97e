import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import {
  rooms,
  sessionRefreshPayload,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from '@tp/shared';
import { AppError } from './infra/errors.js';
import { moduleSockets, roomProviders, type AppContext } from './modules/index.js';

export type SocketServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Attaches Socket.IO to the HTTP server: token auth, room joins, every module's handlers. */
export function attachSocketServer(httpServer: HttpServer, ctx: AppContext): SocketServer {
  const { infra } = ctx;
  const io: SocketServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    connectionStateRecovery: undefined,
  });
  if (infra.redis) {
    const pub = infra.redis.duplicate();
    const sub = infra.redis.duplicate();
    pub.on('error', () => {});
    sub.on('error', () => {});
    io.adapter(createAdapter(pub, sub, { key: 'tp-socket' }));
    io.engine.on('close', () => undefined);
    httpServer.on('close', () => {
      pub.disconnect();
      sub.disconnect();
    });
  }
  infra.broadcaster.attach(io);

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length < 10) return next(new Error('auth/unauthenticated'));
    try {
      const claims = await infra.tokens.verify(token);
      socket.data.userId = claims.userId;
      socket.data.role = claims.role;
      socket.data.tokenExpiresAt = claims.expiresAt;
      next();
    } catch {
      next(new Error('auth/unauthenticated'));
    }
  });

  io.on('connection', async (socket) => {
    // The handlers are registered once the socket's rooms are joined; an event sent straight after
    // connecting (before `session:ready`) waits for them here instead of finding no listener.
    let handlersReady!: () => void;
    const ready = new Promise<void>((resolve) => (handlersReady = resolve));
    socket.use((_event, next) => void ready.then(() => next()));
    infra.metrics.connectedSockets.inc();
    socket.on('disconnect', () => infra.metrics.connectedSockets.dec());
    const expiry = watchExpiry(socket, ctx);
    socket.on('session:refresh', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = sessionRefreshPayload.safeParse(payload);
      if (!parsed.success) return ack({ ok: false, error: { code: 'request/invalid', message: 'Expected {accessToken}' } });
      try {
        const claims = await infra.tokens.verify(parsed.data.accessToken);
        if (claims.userId !== socket.data.userId) throw new AppError('auth/forbidden', 'Token of another user');
        socket.data.tokenExpiresAt = claims.expiresAt;
        socket.data.role = claims.role;
        expiry.reset();
        ack({ ok: true, data: { expiresAt: new Date(claims.expiresAt).toISOString() } });
      } catch (error) {
        const appError = error instanceof AppError ? error : new AppError('auth/unauthenticated', 'Invalid token');
        ack({ ok: false, error: { code: appError.code, message: appError.message } });
      }
    });

    const user = { userId: socket.data.userId, role: socket.data.role };
    const joined = [rooms.user(user.userId), rooms.role(user.role)];
    if (user.role === 'teacher') joined.push(rooms.teacher(user.userId));
    try {
      for (const provide of roomProviders) joined.push(...(await provide(ctx, user)));
    } catch (error) {
      infra.logger.warn({ err: String(error) }, 'could not resolve socket rooms');
    }
    try {
      await socket.join(joined);
      for (const register of moduleSockets) register(ctx, socket, io);
      socket.emit('session:ready', { userId: user.userId, role: user.role });
    } finally {
      handlersReady();
    }
  });
  return io;
}

/** Disconnects a socket whose access token ran out without a `session:refresh`. */
function watchExpiry(socket: AppSocket, ctx: AppContext) {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    const delay = Math.max(0, socket.data.tokenExpiresAt - ctx.infra.clock.now().getTime());
    timer = setTimeout(() => {
      socket.emit('session:expired', { reason: 'token expired' });
      socket.disconnect(true);
    }, Math.min(delay + 5_000, 2 ** 31 - 1));
    timer.unref();
  };
  arm();
  socket.on('disconnect', () => clearTimeout(timer));
  return { reset: arm };
}
