/**
 * The chat benchmark's users, in their own process: socket.io-client connections, each a member of
 * one group chat. On `send` they send messages at a given total rate (each carries its send time);
 * every connection records what arrives: latency, duplicates and order per chat.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

interface Identity {
  url: string;
  token: string;
  chatId: string;
}
type Command = { type: 'connect'; identities: Identity[] } | { type: 'send'; rate: number; seconds: number } | { type: 'report' } | { type: 'stop' };

interface Member {
  socket: Socket;
  chatId: string;
  seen: Set<number>;
  lastSeq: number;
  inversions: number;
  duplicates: number;
}

const members: Member[] = [];
const latencies: number[] = [];
const ackLatencies: number[] = [];
/** Connections that closed during the run, by reason: a dropped member misses what follows. */
const drops: Record<string, number> = {};
/** How late this process's own loop ran: a late loop inflates every latency it records. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const reply = (message: unknown) => process.send?.(message);

function connect(identity: Identity): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = io(identity.url, { auth: { token: identity.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const member: Member = { socket, chatId: identity.chatId, seen: new Set(), lastSeq: 0, inversions: 0, duplicates: 0 };
    socket.on('chat:message', ({ message }: { message: { seq: number; text: string; chatId: string } }) => {
      if (message.chatId !== member.chatId) return;
      const sentAt = Number(message.text.split(' ')[0]);
      if (Number.isFinite(sentAt)) latencies.push(Date.now() - sentAt);
      if (member.seen.has(message.seq)) member.duplicates += 1;
      else if (message.seq < member.lastSeq) member.inversions += 1;
      member.seen.add(message.seq);
      member.lastSeq = Math.max(member.lastSeq, message.seq);
    });
    socket.once('session:ready', () => {
      socket.on('disconnect', (reason) => void (drops[reason] = (drops[reason] ?? 0) + 1));
      resolve(true);
    });
    socket.once('connect_error', () => resolve(false));
    members.push(member);
  });
}

async function send(rate: number, seconds: number) {
  const total = rate * seconds;
  const perChat = new Map<string, number>();
  let acked = 0;
  let failed = 0;
  const reasons: Record<string, number> = {};
  let counter = 0;
  const started = Date.now();
  const inFlight: Array<Promise<void>> = [];
  loopDelay.enable();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const member = members[Math.floor(Math.random() * members.length)]!;
    const sentAt = Date.now();
    const payload = { chatId: member.chatId, clientId: `b${process.pid}x${counter++}`, text: `${sentAt} bench message` };
    inFlight.push(
      member.socket
        .timeout(30_000)
        .emitWithAck('chat:send', payload)
        .then((result: { ok: boolean; error?: { code: string } }) => {
          if (result.ok) {
            acked += 1;
            ackLatencies.push(Date.now() - sentAt);
            perChat.set(member.chatId, (perChat.get(member.chatId) ?? 0) + 1);
          } else {
            failed += 1;
            reasons[result.error?.code ?? '?'] = (reasons[result.error?.code ?? '?'] ?? 0) + 1;
          }
        })
        .catch(() => {
          failed += 1;
          reasons['no answer'] = (reasons['no answer'] ?? 0) + 1;
        }),
    );
  }
  await Promise.all(inFlight);
  return { acked, failed, reasons, perChat: Object.fromEntries(perChat), seconds: (Date.now() - started) / 1000 };
}

process.on('message', async (command: Command) => {
  if (command.type === 'connect') {
    const results = await Promise.all(command.identities.map(connect));
    reply({ type: 'connected', open: results.filter(Boolean).length, failedConnects: results.filter((r) => !r).length });
  } else if (command.type === 'send') {
    reply({ type: 'sent', ...(await send(command.rate, command.seconds)) });
  } else if (command.type === 'report') {
    const received: Record<string, number[]> = {};
    for (const m of members) (received[m.chatId] ??= []).push(m.seen.size);
    reply({
      type: 'report',
      received,
      duplicates: members.reduce((n, m) => n + m.duplicates, 0),
      inversions: members.reduce((n, m) => n + m.inversions, 0),
      latencies,
      ackLatencies,
      drops,
      loopP99: Math.round(loopDelay.percentile(99) / 1e6),
      loopMax: Math.round(loopDelay.max / 1e6),
    });
  } else if (command.type === 'stop') {
    members.forEach((m) => m.socket.disconnect());
    process.exit(0);
  }
});

reply({ type: 'ready' });
