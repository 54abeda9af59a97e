import { Emitter } from '@socket.io/redis-emitter';
import { loadEnv } from './config/env.js';
import { createInfra } from './infra/container.js';
import { createServices, type AppContext } from './modules/index.js';
import { startBackgroundJobs, startJobQueue } from './jobs.js';
import { runMain } from './infra/startup-error.js';

/** The worker: runs the queued jobs and the periodic duties; no HTTP; its events reach browsers through Redis. */
async function main() {
  const env = loadEnv();
  const infra = await createInfra(env, { migrate: false, name: 'worker' });
  if (infra.redis) infra.broadcaster.attach(new Emitter(infra.redis.duplicate(), { key: 'tp-socket' }));
  else infra.logger.warn('No REDIS_URL: the worker cannot reach browsers; live updates from it are dropped');
  const ctx: AppContext = { infra, services: createServices(infra) };
  await startJobQueue(ctx, { work: true, role: 'worker' });
  const jobs = await startBackgroundJobs(ctx, { inServer: false });
  infra.logger.info('worker started');
  const stop = async () => {
    await jobs.stop();
    await infra.close();
    process.exit(0);
  };
  // A dropped Redis connection can surface as a rejected publish inside the socket adapter: log it,
  // keep serving (the database still fences every allocation) instead of letting Node exit.
  process.on('unhandledRejection', (reason) => infra.logger.error({ err: reason }, 'unhandled rejection'));
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

runMain('The worker could not start', main);
