/**
 * The transport floor for the fan-out benchmark: a bare WebSocket server (no Socket.IO, no product
 * code) sending the same events to the same number of connections. What this costs on a machine is
 * what no server built on TCP connections can go below there.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { sendRound, type Sender } from './rounds.js';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
await new Promise((resolve) => wss.once('listening', resolve));
const send = (message: unknown) => process.send?.(message);

process.on('message', async (command: { type: string; groups?: string[]; spreadMs?: number }) => {
  if (command.type === 'emit') {
    // One frame per connection, shaped like the product's events: admins get a pool snapshot,
    // students their group's event.
    const clients = [...wss.clients] as Array<WebSocket & { group?: string }>;
    const admins = clients.filter((client) => !client.group);
    const members = new Map<string, typeof clients>();
    for (const client of clients) if (client.group) members.set(client.group, [...(members.get(client.group) ?? []), client]);
    const senders: Sender[] = [
      (at) => {
        const frame = JSON.stringify(['pool:snapshot', { accounts: [], stats: { total: 0, active: 0, available: 0, inUse: 0 }, at }]);
        for (const client of admins) client.send(frame);
      },
      ...(command.groups ?? []).map((group): Sender => (at) => {
        const frame = JSON.stringify(['lesson:ended', { lessonId: group, groupId: group, teacherId: group, endedAt: at }]);
        for (const client of members.get(group) ?? []) client.send(frame);
      }),
    ];
    send({ type: 'emitted', sendMs: await sendRound(senders, command.spreadMs) });
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
