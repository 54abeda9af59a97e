import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { connectDb, migrate } from '../../server/src/infra/db.js';
import { ADMIN_DATABASE_URL, databaseUrl, runPrefix, templateDb } from './db-urls.js';

/**
 * Migrates a template database once per run; each test file then clones it (CREATE DATABASE …
 * TEMPLATE), so files run in parallel without seeing each other's rows.
 */
export default async function setup(): Promise<() => Promise<void>> {
  process.env.TP_TEST_RUN ??= randomBytes(4).toString('hex');
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  // Several projects of one run list this setup; the first one prepares the template for all.
  const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [templateDb()]);
  await admin.end();
  if (rowCount) return async () => {};
  const creator = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await creator.connect();
  try {
    await creator.query(`create database ${templateDb()}`);
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return async () => {};
    throw error;
  } finally {
    await creator.end();
  }
  const orm = await connectDb(databaseUrl(templateDb()));
  await migrate(orm);
  await orm.close(true);
  return async () => {
    const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${runPrefix()}%`]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
    await client.end();
  };
}
