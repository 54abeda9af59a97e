/**
 * `npm run bench:fanout [-- --clients 5000 --rounds 20]`: socket.io-client connections in a separate
 * process join admin or group rooms; a server node emits timestamped events through the product's
 * broadcaster, as bursts (every room at once) and as a stream (spread over each interval); prints
 * delivery latency and server memory per connection for a bare WebSocket server (the machine's floor),
 * one node, and two nodes sharing events through Redis.
 */
import { parseArgs } from 'node:util';
import { Child, createBenchDatabase, kb, mb, pinning, sleep, startBareNode, startNode, tokensFor } from './fanout/harness.js';

const { values } = parseArgs({
  allowNegative: true,
  options: { bare: { type: 'boolean', default: true }, processes: { type: 'string', default: '1' }, clients: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '20' }, interval: { type: 'string', default: '250' }, groups: { type: 'string', default: '50' } },
});
const clients = Number(values.clients);
const rounds = Number(values.rounds);
const intervalMs = Number(values.interval);
const groupCount = Number(values.groups);
/** Client processes sharing the connections, so one process's event loop is not what is measured. */
const processCount = Math.max(1, Number(values.processes));

console.log(pinning ? `pinned: servers on core ${pinning.servers}, client harness on core ${pinning.clients} (BENCH_PIN=0 to share all cores)` : 'not pinned: servers and the client harness share every core');
console.log(`fan-out benchmark: ${clients} connections from ${processCount} client processes (half admins, half students in ${groupCount} groups), ${rounds} rounds every ${intervalMs} ms`);
const db = await createBenchDatabase(Math.ceil(clients / 2), Math.floor(clients / 2), groupCount);
const tokens = [...(await tokensFor(db.admins, 'admin')), ...(await tokensFor(db.students, 'student'))];

/** Burst p99 per configuration, for the ratios against the bare floor printed at the end. */
const burstP99 = new Map<string, number>();

async function run(label: string, nodeCount: number, bare = false): Promise<void> {
  const nodes: Array<Awaited<ReturnType<typeof startNode>>> = [];
  for (let i = 0; i < nodeCount; i++) nodes.push(await (bare ? startBareNode() : startNode(db.url, nodeCount > 1)));
  const clientProcesses = Array.from({ length: processCount }, () => new Child('clients.ts', {}));
  await Promise.all(clientProcesses.map((c) => c.next('ready')));
  const all = <T>(command: Record<string, unknown>, reply: string) => Promise.all(clientProcesses.map((c) => c.ask<T>(command, reply)));
  try {
    // Students sit in groups round-robin (see createBenchDatabase); a bare connection names its group.
    const groupOf = (i: number) => (i < db.admins.length ? undefined : db.groups[(i - db.admins.length) % db.groups.length]);
    const identities = tokens.map((token, i) => ({ url: nodes[i % nodeCount]!.url, token, ...(bare ? { bare: { group: groupOf(i) } } : {}) }));
    const started = Date.now();
    const parts = await Promise.all(
      clientProcesses.map((c, p) => c.ask<{ open: number; failedConnects: number }>({ type: 'connect', identities: identities.filter((_, i) => i % processCount === p) }, 'connected')),
    );
    const connected = { open: parts.reduce((n, x) => n + x.open, 0), failedConnects: parts.reduce((n, x) => n + x.failedConnects, 0) };
    const connectSeconds = (Date.now() - started) / 1000;
    await sleep(1_000);
    const memory = await Promise.all(nodes.map((n) => n.child.ask<{ heapUsed: number; rss: number; sockets: number }>({ type: 'memory' }, 'memory')));

    // Warm-up, then the measured rounds, always emitted from the first node.
    const emit = (spreadMs: number) => nodes[0]!.child.ask<{ sendMs: number }>({ type: 'emit', groups: db.groups, adminEvents: 1, spreadMs }, 'emitted');
    for (let i = 0; i < 3; i++) {
      await emit(0);
      await sleep(intervalMs);
    }
    await sleep(500);

    /**
     * A burst sends a round's events at once and rests `interval` ms after it; a stream spreads the
     * same rounds evenly over the burst's measured period, so both run at the same event rate.
     */
    async function measure(shape: 'burst' | 'stream', periodMs: number): Promise<number> {
      await all({ type: 'reset' }, 'reset');
      const sendMs: number[] = [];
      const began = performance.now();
      for (let i = 0; i < rounds; i++) {
        sendMs.push((await emit(shape === 'burst' ? 0 : periodMs)).sendMs);
        if (shape === 'burst') await sleep(intervalMs);
      }
      const period = (performance.now() - began) / rounds;
      sendMs.sort((a, b) => a - b);
      await sleep(2_000);
      const reports = await all<{ received: number; latencies: number[]; cpuMicros: number }>({ type: 'report' }, 'report');
      const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
      const received = reports.reduce((n, r) => n + r.received, 0);
      const expected = rounds * clients;
      const clientCpu = reports.reduce((n, r) => n + r.cpuMicros, 0) / Math.max(1, received);
      const rate = Math.round((clients / period) * 1000);
      console.log(`  ${shape === 'burst' ? 'burst: every room at once' : 'stream: the same rounds spread evenly'}, a round every ${period.toFixed(0)} ms (${rate} deliveries/s)`);
      console.log(`    events delivered    ${received} / ${expected} (${((received / expected) * 100).toFixed(2)}%)`);
      console.log(`    delivery latency    p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms   max ${latencies.at(-1) ?? NaN} ms`);
      console.log(`    client CPU/event    ${clientCpu.toFixed(1)} µs (the harness's own share of the 2 cores)`);
      if (shape === 'burst') burstP99.set(label, at(0.99));
      if (shape === 'burst') console.log(`    node 1 send/round   median ${sendMs[sendMs.length >> 1]!.toFixed(1)} ms   max ${sendMs.at(-1)!.toFixed(1)} ms`);
      return period;
    }

    console.log(`\n${label}`);
    console.log(`  connections open      ${connected.open} / ${clients} (failed ${connected.failedConnects}); connected in ${connectSeconds.toFixed(1)} s`);
    const period = await measure('burst', 0);
    await sleep(intervalMs);
    await measure('stream', period);
    memory.forEach((m, i) => {
      const perConnection = (m.heapUsed - nodes[i]!.heapUsed) / Math.max(1, m.sockets);
      const rssPer = (m.rss - nodes[i]!.rss) / Math.max(1, m.sockets);
      console.log(`  node ${i + 1}: ${m.sockets} sockets, heap ${mb(m.heapUsed)} (${kb(perConnection)}/connection), RSS ${mb(m.rss)} (${kb(rssPer)}/connection)`);
    });
  } finally {
    clientProcesses.forEach((c) => c.stop());
    nodes.forEach((n) => n.child.stop());
    await sleep(1_500);
  }
}

const FLOOR = 'transport floor: a bare WebSocket server, no Socket.IO and no product code (--no-bare skips)';
const ONE_NODE = 'one node (single-node mode, in-memory adapter)';
const TWO_NODES = 'two nodes sharing events through Redis (emits on node 1)';
try {
  if (values.bare) await run(FLOOR, 1, true);
  await run(ONE_NODE, 1);
  await run(TWO_NODES, 2);
  const floor = burstP99.get(FLOOR);
  if (floor) {
    const ratio = (label: string) => ((burstP99.get(label) ?? NaN) / floor).toFixed(2);
    console.log(`\nburst p99 against the floor's ${floor} ms: one node ${ratio(ONE_NODE)}×, two nodes ${ratio(TWO_NODES)}× (target for one node ≤ 1.5×)`);
  }
} finally {
  await db.drop();
}
process.exit(0);
