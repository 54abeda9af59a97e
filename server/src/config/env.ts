import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }).transform((v) => v === 'true' || v === '1');
const url = z.url({ error: 'expected an absolute URL such as https://school.example' });
const integer = (min: number, max: number) =>
  z.coerce.number({ error: `expected a whole number from ${min} to ${max}` }).int({ error: `expected a whole number from ${min} to ${max}` }).min(min, { error: `expected a whole number from ${min} to ${max}` }).max(max, { error: `expected a whole number from ${min} to ${max}` });

/** Every setting the product reads. The only place that looks at process.env. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** The address users reach the product at; used in emails and OAuth callbacks. */
  PUBLIC_URL: url.optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…').optional(),
  /** Where the embedded PostgreSQL keeps its files when DATABASE_URL is not set. */
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: integer(1, 65535).default(54329),
  /** Database connections one process may open (the job queue adds a few of its own). */
  DATABASE_POOL_MAX: integer(2, 500).default(20),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected redis://…').optional(),
  JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  /** 32 bytes, base64 or hex: encrypts meeting-account credentials at rest (AES-256-GCM). */
  CREDENTIALS_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: bool.default(true),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'expected smtp://…').optional(),
  MAIL_FROM: z.string().default('Teaching Panel <no-reply@teaching-panel.local>'),
  VK_CLIENT_ID: z.string().optional(),
  VK_CLIENT_SECRET: z.string().optional(),
  VK_AUTHORIZE_URL: url.default('https://oauth.vk.com/authorize'),
  VK_TOKEN_URL: url.default('https://oauth.vk.com/access_token'),
  VK_API_URL: url.default('https://api.vk.com/method'),
  YANDEX_CLIENT_ID: z.string().optional(),
  YANDEX_CLIENT_SECRET: z.string().optional(),
  YANDEX_AUTHORIZE_URL: url.default('https://oauth.yandex.ru/authorize'),
  YANDEX_TOKEN_URL: url.default('https://oauth.yandex.ru/token'),
  YANDEX_USERINFO_URL: url.default('https://login.yandex.ru/info'),
  ZOOM_OAUTH_URL: url.default('https://zoom.us'),
  ZOOM_API_URL: url.default('https://api.zoom.us/v2'),
  ZOOM_WEBHOOK_SECRET: z.string().optional(),
  SWEEP_INTERVAL_S: integer(1, 3600).default(60),
  RELEASE_GRACE_MIN: integer(0, 240).default(15),
  /** Per-teacher lesson-start rate limit; 0 turns it off (benchmarks). */
  START_RATE_PER_MIN: integer(0, 1000).default(3),
  /** Run the release sweep inside the HTTP server (default: when there is no Redis). */
  SWEEP_IN_SERVER: bool.optional(),
  TRUST_PROXY: bool.default(false),
  /** Job queue: delay before a failed job's first retry; it doubles with each further attempt. */
  QUEUE_RETRY_DELAY_S: integer(1, 3600).default(30),
  /** Job queue: how often an idle worker looks for due jobs. */
  QUEUE_POLL_S: z.coerce.number({ error: 'expected seconds from 0.5 to 60' }).min(0.5).max(60).default(2),
  /** Job queue: how long a job may run before it counts as lost (its worker died) and is retried. */
  QUEUE_EXPIRE_S: integer(1, 3600).default(300),
  /** Job queue: how often lost jobs are looked for and old ones archived. */
  QUEUE_MAINTENANCE_S: integer(1, 3600).default(30),
  /** Run the queue workers inside the HTTP server (default: when there is no Redis). */
  QUEUE_IN_SERVER: bool.optional(),
  /** Failed sign-ins one address may make per day (default LIMITS.signIn.failuresPerAddressPerDay; 0 turns it off). */
  SIGN_IN_ADDRESS_FAILURES_PER_DAY: integer(0, 1_000_000).optional(),
  /** Password hashes run at once (default: one per core, less one for the event loop). */
  PASSWORD_HASH_CONCURRENCY: integer(1, 64).optional(),
  /** Chat messages one sender may send per LIMITS.chat.burstSeconds (default LIMITS.chat.burst; 0 turns it off, for benchmarks). */
  CHAT_SEND_BURST: integer(0, 100_000).optional(),
  /** Seconds a user stays online after the last heartbeat of their node (a crashed node's users go offline after this). */
  PRESENCE_TTL_S: integer(3, 600).default(30),
  /** Chat files go to this S3-compatible bucket instead of DATA_DIR when it is set (with the two keys). */
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected a bucket name: 3–63 lowercase letters, digits, dots and hyphens').optional(),
  /** The store's address; default https://s3.<region>.amazonaws.com. */
  S3_ENDPOINT: url.optional(),
  S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, 'expected a region name such as us-east-1 or ru-central1').default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Address objects as <endpoint>/<bucket>/<key> (MinIO and most self-hosted stores) rather than <bucket>.<endpoint>/<key>. */
  S3_FORCE_PATH_STYLE: bool.default(false),
}).superRefine((env, ctx) => {
  if (!env.S3_BUCKET) {
    if (env.S3_ENDPOINT || env.S3_ACCESS_KEY_ID || env.S3_SECRET_ACCESS_KEY) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'required when other S3_ settings are given' });
    return;
  }
  for (const key of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
    if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when S3_BUCKET is set' });
  }
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

const LISTEN_ANYWHERE = new Set(['0.0.0.0', '::', '']);

/** The address users reach the product at: PUBLIC_URL, else the listen address the start log prints. */
export function publicUrl(env: Pick<Env, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '');
  const host = LISTEN_ANYWHERE.has(env.HOST) ? 'localhost' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  return `http://${host}:${env.PORT}`;
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const relevant = Object.fromEntries(
    Object.entries(source).filter(([key, value]) => key in envSchema.shape && value !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      // The value itself is not echoed: it may be a secret.
      return `${issue.path.join('.')}: ${issue.message}`;
    });
    throw new EnvError(`invalid setting${problems.length > 1 ? 's' : ''} — ${problems.join('; ')}`);
  }
  return parsed.data;
}
