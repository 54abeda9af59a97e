import { loadEnv } from '../config/env.js';
import { createLogger } from '../infra/logger.js';
import { connectDb, migrate } from '../infra/db.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { runMain } from '../infra/startup-error.js';

runMain('Migrations could not run', async () => {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const embedded = env.DATABASE_URL ? null : await startEmbeddedPostgres(env.DATA_DIR, env.EMBEDDED_PG_PORT, logger);
  const orm = await connectDb(env.DATABASE_URL ?? embedded!.url, logger);
  try {
    const applied = await migrate(orm);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
});
