import { parseArgs } from 'node:util';
import { email as emailSchema } from '@tp/shared';
import { loadEnv } from '../config/env.js';
import { createInfra } from '../infra/container.js';
import { createLogger } from '../infra/logger.js';
import { AppError } from '../infra/errors.js';
import { createServices } from '../modules/index.js';

/** `npm run create-admin -- --email E --password P`: creates an admin or promotes an existing user. */
const usage = 'Usage: npm run create-admin -- --email admin@example.com --password Secret123';

const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } }, strict: true });
const email = emailSchema.safeParse(values.email);
if (!email.success || !values.password) {
  console.error(values.email && !email.success ? `Not a valid email address: ${values.email}` : usage);
  process.exit(2);
}

let env;
try {
  env = loadEnv();
} catch (error) {
  console.error(`create-admin: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const infra = await createInfra(env, { logger: createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL), migrate: true, name: 'cli' });
let exitCode = 0;
try {
  const { user, created } = await createServices(infra).users.createOrPromoteAdmin(email.data, values.password);
  console.log(created ? `Created admin ${user.email}.` : `${user.email} is now an admin (password updated).`);
} catch (error) {
  exitCode = 1;
  if (error instanceof AppError) console.error(`${error.message}${error.details.fields ? `: ${Object.values(error.details.fields).join('; ')}` : ''}`);
  else console.error(error instanceof Error ? error.message : error);
} finally {
  await infra.close();
}
process.exit(exitCode);
