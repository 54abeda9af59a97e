/**
 * `npm run bench:soak [-- --clients 5000 --seconds 300 --churn 50]`: holds the connections while
 * `churn` of them disconnect and reconnect every second, then compares the server's heap, rooms and
 * listeners after warm-up with the end of the run.
 */
import { parseArgs } from 'node:util';
import { Child, createBenchDatabase, mb, sleep, startNode, tokensFor } from './fanout/harness.js';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '5000' }, seconds: { type: 'string', default: '300' }, churn: { type: 'string', default: '50' }, warmup: { type: 'string', default: '30' } },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const churn = Number(values.churn);
const warmup = Number(values.warmup);

type Stats = { rooms: number; sockets: number; listeners: number };
type Memory = { heapUsed: number; rss: number; sockets: number };

console.log(`soak: ${clients} connections for ${seconds} s with ${churn} connects and disconnects a second (warm-up ${warmup} s)`);
const db = await createBenchDatabase(Math.ceil(clients / 2), Math.floor(clients / 2), 50);
const tokens = [...(await tokensFor(db.admins, 'admin')), ...(await tokensFor(db.students, 'student'))];
const node = await startNode(db.url, false);
const clientProcess = new Child('clients.ts', {});
await clientProcess.next('ready');

let cursor = 0;
const nextIdentities = (count: number) =>
  Array.from({ length: count }, () => ({ url: node.url, token: tokens[cursor++ % tokens.length]! }));

async function churnFor(durationSeconds: number): Promise<number> {
  const end = Date.now() + durationSeconds * 1000;
  let cycles = 0;
  while (Date.now() < end) {
    const tick = Date.now();
    await clientProcess.ask({ type: 'churn', count: churn, identities: nextIdentities(churn) }, 'churned');
    // Keep the ordinary event stream flowing during the soak.
    await node.child.ask({ type: 'emit', groups: db.groups.slice(0, 5), adminEvents: 1 }, 'emitted');
    cycles++;
    await sleep(Math.max(0, 1000 - (Date.now() - tick)));
  }
  return cycles;
}

try {
  const connected = await clientProcess.ask<{ open: number }>({ type: 'connect', identities: nextIdentities(clients) }, 'connected');
  console.log(`  connected ${connected.open} / ${clients}`);
  await churnFor(warmup);
  await sleep(2_000);
  const baseMemory = await node.child.ask<Memory>({ type: 'memory' }, 'memory');
  const baseStats = await node.child.ask<Stats>({ type: 'stats' }, 'stats');

  const cycles = await churnFor(seconds);
  await sleep(3_000);
  const endMemory = await node.child.ask<Memory>({ type: 'memory' }, 'memory');
  const endStats = await node.child.ask<Stats>({ type: 'stats' }, 'stats');

  const growth = ((endMemory.heapUsed - baseMemory.heapUsed) / baseMemory.heapUsed) * 100;
  console.log(`  churn cycles          ${cycles} (${cycles * churn} connects and as many disconnects)`);
  console.log(`  heap after warm-up    ${mb(baseMemory.heapUsed)}   at the end ${mb(endMemory.heapUsed)}   growth ${growth.toFixed(1)}% (target < 10%)`);
  console.log(`  RSS after warm-up     ${mb(baseMemory.rss)}   at the end ${mb(endMemory.rss)}`);
  console.log(`  sockets               ${baseStats.sockets} → ${endStats.sockets}`);
  console.log(`  adapter rooms         ${baseStats.rooms} → ${endStats.rooms}`);
  console.log(`  socket listeners      ${baseStats.listeners} → ${endStats.listeners}`);
  const leak = endStats.rooms > baseStats.rooms || endStats.listeners > baseStats.listeners;
  console.log(`  verdict               ${growth < 10 && !leak ? 'OK' : 'CHECK'}: ${leak ? 'rooms or listeners grew' : 'no rooms or listeners leaked'}`);
} finally {
  clientProcess.stop();
  node.child.stop();
  await sleep(1_500);
  await db.drop();
}
process.exit(0);
