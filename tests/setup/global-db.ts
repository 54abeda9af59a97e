import pg from 'pg';
import { connectDb, migrate } from '../../server/src/infra/db.js';
import { ADMIN_DATABASE_URL, TEMPLATE_DB, databaseUrl } from './db-urls.js';

/**
 * Migrates a template database once per run; each test file then clones it (CREATE DATABASE …
 * TEMPLATE), so files run in parallel without seeing each other's rows.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await dropLeftovers(admin);
  await admin.query(`create database ${TEMPLATE_DB}`);
  const orm = await connectDb(databaseUrl(TEMPLATE_DB));
  await migrate(orm);
  await orm.close(true);
  await admin.end();
  return async () => {
    const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await client.connect();
    await dropLeftovers(client);
    await client.end();
  };
}

async function dropLeftovers(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    `select datname from pg_database where datname like 'tp_test_%'`,
  );
  for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
}
