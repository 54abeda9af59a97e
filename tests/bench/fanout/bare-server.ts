/**
 * The transport floor for the fan-out benchmark: a bare WebSocket server (no Socket.IO, no product
 * code) sending the same events to the same number of connections. What this costs on a machine is
 * what no server built on TCP connections can go below there.
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
await new Promise((resolve) => wss.once('listening', resolve));
const send = (message: unknown) => process.send?.(message);

process.on('message', (command: { type: string; groups?: string[] }) => {
  if (command.type === 'emit') {
    const started = performance.now();
    const at = new Date().toISOString();
    // One frame per connection, shaped like the product's events: admins get a pool snapshot,
    // students their group's event.
    const admin = JSON.stringify(['pool:snapshot', { accounts: [], stats: { total: 0, active: 0, available: 0, inUse: 0 }, at }]);
    const byGroup = new Map((command.groups ?? []).map((g) => [g, JSON.stringify(['lesson:ended', { lessonId: g, groupId: g, teacherId: g, endedAt: at }])]));
    for (const client of wss.clients) {
      const group = (client as unknown as { group?: string }).group;
      client.send(group ? byGroup.get(group)! : admin);
    }
    send({ type: 'emitted', at, sendMs: performance.now() - started });
  } else if (command.type === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const usage = process.memoryUsage();
    send({ type: 'memory', heapUsed: usage.heapUsed, rss: usage.rss, sockets: wss.clients.size });
  } else if (command.type === 'stop') {
    wss.close();
    process.exit(0);
  }
});

wss.on('connection', (socket, request) => {
  (socket as unknown as { group?: string }).group = new URL(request.url ?? '/', 'http://x').searchParams.get('group') ?? undefined;
});

const address = wss.address() as { port: number };
(globalThis as { gc?: () => void }).gc?.();
const usage = process.memoryUsage();
send({ type: 'ready', url: `ws://127.0.0.1:${address.port}`, heapUsed: usage.heapUsed, rss: usage.rss });
