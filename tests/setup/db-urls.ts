/** The real PostgreSQL the tests run against (trust auth on the local machine and CI). */
export const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Databases of one test run share a prefix, so concurrent runs never touch each other's. */
export function runPrefix(): string {
  const run = process.env.TP_TEST_RUN;
  if (!run) throw new Error('TP_TEST_RUN is not set: run tests through vitest with the global setup');
  return `tp_test_${run}`;
}
export const templateDb = () => `${runPrefix()}_template`;

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
