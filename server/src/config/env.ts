import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const url = z.url();

/** Every setting the product reads. The only place that looks at process.env. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** The address users reach the product at; used in emails and OAuth callbacks. */
  PUBLIC_URL: url.optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…').optional(),
  /** Where the embedded PostgreSQL keeps its files when DATABASE_URL is not set. */
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected redis://…').optional(),
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
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
  SWEEP_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(60),
  RELEASE_GRACE_MIN: z.coerce.number().int().min(0).max(240).default(15),
  /** Per-teacher lesson-start rate limit; 0 turns it off (benchmarks). */
  START_RATE_PER_MIN: z.coerce.number().int().min(0).max(1000).default(3),
  /** Run the release sweep inside the HTTP server (default: when there is no Redis). */
  SWEEP_IN_SERVER: bool.optional(),
  TRUST_PROXY: bool.default(false),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const relevant = Object.fromEntries(
    Object.entries(source).filter(([key, value]) => key in envSchema.shape && value !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
