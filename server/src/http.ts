import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, publicUrl } from './config/env.js';
import { runMain } from './infra/startup-error.js';
import { createInfra } from './infra/container.js';
import { createLogger } from './infra/logger.js';
import { startServer } from './server.js';
import { startBackgroundJobs } from './jobs.js';
import { seedDemo } from './seed/demo.js';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client/build');

async function main() {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const infra = await createInfra(env, { logger, migrate: true, name: 'http' });
  logger.info(
    infra.redis
      ? { mode: 'cluster', lock: infra.lock.kind }
      : { mode: 'single-node', lock: infra.lock.kind },
    infra.redis
      ? 'Redis configured: socket events shared through the Redis adapter, Redlock efficiency lock'
      : 'No REDIS_URL: single-node mode (in-memory socket adapter, in-process lock)',
  );
  const server = await startServer(infra, env.PORT, { clientDir, host: env.HOST });
  const seeded = await seedDemo(server.ctx);
  const jobs = await startBackgroundJobs(server.ctx, { inServer: true });
  const url = publicUrl(env);
  logger.info({ url }, 'Teaching Panel is ready');
  if (seeded) console.log(['', ...seeded].join('\n'));
  console.log(`\n  Teaching Panel is running at ${url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await jobs.stop();
    await server.close();
    await infra.close();
    process.exit(0);
  };
  // A dropped Redis connection can surface as a rejected publish inside the socket adapter: log it,
  // keep serving (the database still fences every allocation) instead of letting Node exit.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

runMain('Teaching Panel could not start', main);
