/**
 * `npm run bench:chat [-- --users 2000 --chats 100 --rate 200 --seconds 60]`: users connected
 * across two server nodes (sharing events through Redis) sit in group chats; messages are sent over
 * the socket at a steady total rate; prints delivery latency p50/p95/p99, messages lost, duplicated
 * or out of order at arrival, and server heap per connection.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Child, createBenchDatabase, kb, pinning, REDIS_URL, SECRETS, sleep, tokensFor } from './fanout/harness.js';

const { values } = parseArgs({
  options: { users: { type: 'string', default: '2000' }, chats: { type: 'string', default: '100' }, rate: { type: 'string', default: '200' }, seconds: { type: 'string', default: '60' }, processes: { type: 'string', default: '2' } },
});
const users = Number(values.users);
const chatCount = Number(values.chats);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const processCount = Math.max(1, Number(values.processes));
// Senders are random members: the per-sender limit still runs (a Redis call per send) but never refuses.
process.env.CHAT_SEND_BURST = '100000';

console.log(pinning ? `pinned: servers on core ${pinning.servers}, clients on core ${pinning.clients} (BENCH_PIN=0 to share all cores)` : 'not pinned: servers and clients share every core');
console.log(`chat benchmark: ${users} users on 2 nodes in ${chatCount} group chats (${users / chatCount} each), ${rate} messages/s for ${seconds} s, clients in ${processCount} processes`);
const db = await createBenchDatabase(0, users, chatCount);
const client = new pg.Client({ connectionString: db.url });
await client.connect();
const chatOfGroup = new Map(
  (await client.query<{ id: string; group_id: string }>(`insert into chats (id, kind, group_id) select gen_random_uuid(), 'group', id from groups returning id, group_id`)).rows.map((r) => [r.group_id, r.id]),
);
// Statistics as a running database has them, so plans are the ones production gets.
await client.query('analyze');
const tokens = await tokensFor(db.students, 'student');

/**
 * A server node sharing events with the others through Redis. BENCH_CHAT_SERVER names another
 * checkout's `tests/bench/chat/server.ts`, to compare two versions under the same machine load.
 */
async function startChatNode(databaseUrl: string): Promise<{ child: Child; url: string }> {
  const child = new Child(process.env.BENCH_CHAT_SERVER ?? '../chat/server.ts', { ...SECRETS, DATABASE_URL: databaseUrl, PORT: '0', REDIS_URL, SWEEP_IN_SERVER: 'false' }, 'servers');
  return { child, ...(await child.next<{ url: string }>('ready', 60_000)) };
}
type NodeStats = { loopP99: number; loopMax: number; cpuMs: number };

const nodes = [await startChatNode(db.url), await startChatNode(db.url)];
const clients = Array.from({ length: processCount }, () => new Child('../chat/clients.ts', {}, 'clients'));
const all = <T>(command: Record<string, unknown>, reply: string) => Promise.all(clients.map((c) => c.ask<T>(command, reply)));

try {
  await Promise.all(clients.map((c) => c.next('ready')));
  const before = await Promise.all(nodes.map((n) => n.child.ask<{ heapUsed: number }>({ type: 'memory' }, 'memory')));
  // Student i is in group i % chats (createBenchDatabase); connections alternate between the nodes.
  const identities = db.students.map((_, i) => ({ url: nodes[i % 2]!.url, token: tokens[i]!, chatId: chatOfGroup.get(db.groups[i % db.groups.length]!)! }));
  const started = Date.now();
  const parts = await Promise.all(clients.map((c, p) => c.ask<{ open: number; failedConnects: number }>({ type: 'connect', identities: identities.filter((_, i) => i % processCount === p) }, 'connected')));
  console.log(`  connected           ${parts.reduce((n, p) => n + p.open, 0)} in ${((Date.now() - started) / 1000).toFixed(1)} s (${parts.reduce((n, p) => n + p.failedConnects, 0)} failed)`);
  await sleep(2_000);
  const after = await Promise.all(nodes.map((n) => n.child.ask<{ heapUsed: number; sockets: number }>({ type: 'memory' }, 'memory')));
  const heapPerConnection = after.reduce((n, m, i) => n + (m.heapUsed - before[i]!.heapUsed), 0) / Math.max(1, after.reduce((n, m) => n + m.sockets, 0));

  const statsBefore = await Promise.all(nodes.map((n) => n.child.ask<NodeStats>({ type: 'loop' }, 'loop')));
  const sent = await all<{ acked: number; failed: number; reasons: Record<string, number>; perChat: Record<string, number>; seconds: number }>({ type: 'send', rate: rate / processCount, seconds }, 'sent');
  const statsAfter = await Promise.all(nodes.map((n) => n.child.ask<NodeStats>({ type: 'loop' }, 'loop')));
  await sleep(3_000);
  const reports = await all<{ received: Record<string, number[]>; duplicates: number; inversions: number; latencies: number[]; ackLatencies: number[]; drops: Record<string, number>; loopP99: number; loopMax: number }>({ type: 'report' }, 'report');

  const perChat = new Map<string, number>();
  for (const s of sent) for (const [chatId, n] of Object.entries(s.perChat)) perChat.set(chatId, (perChat.get(chatId) ?? 0) + n);
  let expected = 0;
  let unique = 0;
  for (const r of reports) {
    for (const [chatId, counts] of Object.entries(r.received)) {
      for (const count of counts) {
        expected += perChat.get(chatId) ?? 0;
        unique += Math.min(count, perChat.get(chatId) ?? 0);
      }
    }
  }
  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const ackLatencies = reports.flatMap((r) => r.ackLatencies).sort((a, b) => a - b);
  const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const at = (q: number) => quantile(latencies, q);
  const acked = sent.reduce((n, s) => n + s.acked, 0);
  const reasons: Record<string, number> = {};
  for (const s of sent) for (const [reason, n] of Object.entries(s.reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
  console.log(`  messages sent       ${acked} acknowledged, ${sent.reduce((n, s) => n + s.failed, 0)} refused or unanswered ${JSON.stringify(reasons)}, in ${Math.max(...sent.map((s) => s.seconds)).toFixed(1)} s`);
  console.log(`  deliveries          ${unique} / ${expected}`);
  console.log(`  latency             p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms   max ${latencies.at(-1)} ms`);
  console.log(`  send acknowledged   p50 ${quantile(ackLatencies, 0.5)} ms   p95 ${quantile(ackLatencies, 0.95)} ms   p99 ${quantile(ackLatencies, 0.99)} ms`);
  const sendSeconds = Math.max(...sent.map((s) => s.seconds));
  const nodeLines = nodes.map((_, i) => `${Math.round((statsAfter[i]!.cpuMs - statsBefore[i]!.cpuMs) / sendSeconds / 10)}% of a core, loop delay p99 ${statsAfter[i]!.loopP99} ms max ${statsAfter[i]!.loopMax} ms`);
  console.log(`  server nodes        ${nodeLines.join('; ')}`);
  console.log(`  client processes    ${reports.map((r) => `loop delay p99 ${r.loopP99} ms max ${r.loopMax} ms`).join('; ')}`);
  const drops: Record<string, number> = {};
  for (const r of reports) for (const [reason, n] of Object.entries(r.drops)) drops[reason] = (drops[reason] ?? 0) + n;
  console.log(`  lost                ${expected - unique}${Object.keys(drops).length ? ` (connections dropped during the run: ${JSON.stringify(drops)})` : ''}`);
  console.log(`  duplicated          ${reports.reduce((n, r) => n + r.duplicates, 0)}`);
  console.log(`  out of order        ${reports.reduce((n, r) => n + r.inversions, 0)} arrivals came after a higher seq of their chat (sends committed on two nodes race to Redis); the page orders by seq, so what it shows is in order`);
  console.log(`  server heap         ${kb(heapPerConnection)} per connection`);
  console.log(`  target              delivery p99 <= 150 ms: ${at(0.99) <= 150 ? 'met' : 'NOT met'}`);
} finally {
  const exited = [...clients.map((c) => c.process), ...nodes.map((n) => n.child.process)].map(
    (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))),
  );
  clients.forEach((c) => c.stop());
  nodes.forEach((n) => n.child.stop());
  await client.end();
  // The nodes close their database connections first, so dropping the database interrupts nobody.
  await Promise.race([Promise.all(exited), sleep(10_000)]);
  await db.drop();
}
