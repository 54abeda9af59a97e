import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Env } from '../config/env.js';
import type { Logger } from './logger.js';
import { StartupError } from './startup-error.js';

export interface Secrets {
  jwtSecret: string;
  credentialsKey: string;
}

/**
 * Secrets come from the environment. Only for a local run without them (not in production) are
 * they generated once and kept in the git-ignored data folder, so sessions survive restarts.
 */
export function resolveSecrets(env: Env, logger: Logger): Secrets {
  if (env.JWT_SECRET && env.CREDENTIALS_KEY) return { jwtSecret: env.JWT_SECRET, credentialsKey: env.CREDENTIALS_KEY };
  if (env.NODE_ENV === 'production') {
    throw new StartupError('JWT_SECRET (32+ characters) and CREDENTIALS_KEY (32 bytes as 64 hex characters or base64) must be set when NODE_ENV=production');
  }
  const file = path.resolve(env.DATA_DIR, 'local-secrets.json');
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  const secrets: Secrets = {
    jwtSecret: env.JWT_SECRET ?? stored.jwtSecret ?? randomBytes(48).toString('base64url'),
    credentialsKey: env.CREDENTIALS_KEY ?? stored.credentialsKey ?? randomBytes(32).toString('hex'),
  };
  if (stored.jwtSecret !== secrets.jwtSecret || stored.credentialsKey !== secrets.credentialsKey) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
    logger.warn({ file }, 'JWT_SECRET/CREDENTIALS_KEY not set: using local secrets kept in the data folder');
  }
  return secrets;
}
