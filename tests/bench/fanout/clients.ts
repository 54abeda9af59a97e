/**
 * Opens many socket.io-client connections (a separate process from the servers) and records, for
 * every timestamped event, the delay between the server's send and this process's receipt.
 */
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';

/** `bare` connects a plain WebSocket to the transport-floor server, for that group (or as an admin). */
interface Identity {
  url: string;
  token: string;
  bare?: { group?: string };
}
interface Connection {
  readonly connected: boolean;
  disconnect(): void;
}
type Command = { type: 'connect'; identities: Identity[] } | { type: 'report' } | { type: 'reset' } | { type: 'churn'; count: number; identities: Identity[] } | { type: 'stop' };

const sockets: Connection[] = [];
let latencies: number[] = [];
let received = 0;
let failedConnects = 0;
let cpuAtReset = process.cpuUsage();

const record = (stamp: string) => {
  received++;
  latencies.push(Date.now() - Date.parse(stamp));
};

function openBare(identity: Identity): Promise<Connection> {
  return new Promise((resolve) => {
    const url = identity.bare?.group ? `${identity.url}/?group=${identity.bare.group}` : identity.url;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const connection = { get connected() { return socket.readyState === WebSocket.OPEN; }, disconnect: () => socket.close() };
    socket.on('message', (data) => {
      const [, payload] = JSON.parse(String(data)) as [string, { at?: string; endedAt?: string }];
      record((payload.at ?? payload.endedAt)!);
    });
    socket.once('open', () => resolve(connection));
    socket.once('error', () => {
      failedConnects++;
      resolve(connection);
    });
  });
}

function open(identity: Identity): Promise<Connection> {
  if (identity.bare) return openBare(identity);
  return new Promise((resolve) => {
    const socket = io(identity.url, { auth: { token: identity.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.on('pool:snapshot', (p: { at: string }) => record(p.at));
    socket.on('lesson:ended', (p: { endedAt: string }) => record(p.endedAt));
    socket.once('session:ready', () => resolve(socket));
    socket.once('connect_error', () => {
      failedConnects++;
      resolve(socket);
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

process.on('message', async (command: Command) => {
  if (command.type === 'connect') {
    const batch = 200;
    for (let i = 0; i < command.identities.length; i += batch) {
      sockets.push(...(await Promise.all(command.identities.slice(i, i + batch).map(open))));
    }
    process.send?.({ type: 'connected', open: sockets.filter((s) => s.connected).length, failedConnects });
  } else if (command.type === 'reset') {
    latencies = [];
    received = 0;
    cpuAtReset = process.cpuUsage();
    process.send?.({ type: 'reset' });
  } else if (command.type === 'report') {
    const sorted = [...latencies].sort((a, b) => a - b);
    const cpu = process.cpuUsage(cpuAtReset);
    process.send?.({ type: 'report', received, cpuMicros: cpu.user + cpu.system, latencies: sorted, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN });
  } else if (command.type === 'churn') {
    // Close the oldest `count` sockets and open as many new ones: connects and disconnects under load.
    const closing = sockets.splice(0, command.count);
    closing.forEach((s) => s.disconnect());
    sockets.push(...(await Promise.all(command.identities.map(open))));
    process.send?.({ type: 'churned', open: sockets.filter((s) => s.connected).length });
  } else if (command.type === 'stop') {
    sockets.forEach((s) => s.disconnect());
    process.exit(0);
  }
});
process.send?.({ type: 'ready' });
