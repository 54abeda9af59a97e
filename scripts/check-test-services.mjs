// Before `npm test`: PostgreSQL and Redis must answer, else stop at once with one line per missing service.
import net from 'node:net';
import pg from 'pg';

const databaseUrl = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
const TIMEOUT_MS = 3000;

async function checkPostgres() {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    const where = new URL(databaseUrl);
    return `PostgreSQL is not reachable at ${where.host} (${error.message}); start it with \`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\` or point TEST_ADMIN_DATABASE_URL at one`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function checkRedis() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const fail = (why) => {
      socket.destroy();
      resolve(`Redis is not reachable at ${redisUrl.host} (${why}); start it with \`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\` or point TEST_REDIS_URL at one`);
    };
    socket.setTimeout(TIMEOUT_MS, () => fail('no answer'));
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG') ? null : fail(`unexpected answer ${JSON.stringify(data.toString().trim())}`));
    });
  });
}

const problems = (await Promise.all([checkPostgres(), checkRedis()])).filter(Boolean);
for (const problem of problems) console.error(problem);
process.exit(problems.length ? 1 : 0);
