/**
 * The server of `bench:homework` in its own process, so the load generator does not share its event
 * loop. Reports `ready` with its URL; answers `cpu` with the CPU time it used; exits on `stop`.
 */
import { loadEnv } from '../../server/src/config/env.js';
import { createInfra } from '../../server/src/infra/container.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { startServer } from '../../server/src/server.js';

const env = loadEnv({ ...process.env, LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
const infra = await createInfra(env, { logger: createLogger('silent'), name: 'bench-homework-server' });
const server = await startServer(infra, 0);
process.send?.({ type: 'ready', url: server.url });
process.on('message', async (message: { type: string }) => {
  if (message.type === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ type: 'cpu', ms: (usage.user + usage.system) / 1000 });
  } else if (message.type === 'stop') {
    await server.close();
    await infra.close();
    process.exit(0);
  }
});
