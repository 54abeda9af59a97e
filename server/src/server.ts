import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app.js';
import { attachSocketServer, type SocketServer } from './io.js';
import type { Infra } from './infra/container.js';
import { createServices, type AppContext } from './modules/index.js';
import { queueRunsInServer, startJobQueue } from './jobs.js';

export interface RunningServer {
  ctx: AppContext;
  http: HttpServer;
  io: SocketServer;
  url: string;
  close(): Promise<void>;
}

/** Builds the app and the socket server over `infra` and listens; tests and the entry both use it. */
export async function startServer(infra: Infra, port: number, options: AppOptions & { host?: string } = {}): Promise<RunningServer> {
  const ctx: AppContext = { infra, services: createServices(infra) };
  // Every node sends jobs; in single-node mode this one also runs them.
  await startJobQueue(ctx, { work: queueRunsInServer(ctx), role: 'http' });
  const app = createApp(ctx, options);
  const http = createServer(app);
  const io = attachSocketServer(http, ctx);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, options.host ?? '127.0.0.1', resolve);
  });
  const address = http.address() as AddressInfo;
  const url = `http://${address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address}:${address.port}`;
  return {
    ctx,
    http,
    io,
    url,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}
