import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Infra } from '../../server/src/infra/container.js';
import { connectDb, migrate } from '../../server/src/infra/db.js';
import { ADMIN_DATABASE_URL, databaseUrl } from '../setup/db-urls.js';

/** Counts statements sent through the ORM connection. */
export function queryCounter(infra: Infra): { take(): number } {
  const connection = infra.orm.em.getConnection();
  const original = connection.execute.bind(connection);
  let count = 0;
  connection.execute = ((...args: Parameters<typeof original>) => {
    count += 1;
    return original(...args);
  }) as typeof connection.execute;
  return {
    take() {
      const value = count;
      count = 0;
      return value;
    },
  };
}

/** Runs `work` over a new, migrated database named after `prefix`, dropped afterwards whatever happens. */
export async function withBenchDatabase(prefix: string, work: (url: string) => Promise<void>): Promise<void> {
  const dbName = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = databaseUrl(dbName);
  try {
    const migrator = await connectDb(url);
    await migrate(migrator);
    await migrator.close(true);
    await work(url);
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}
