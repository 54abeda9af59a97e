import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { isoInstant, uuid } from './common.js';

export const PROVIDERS = ['zoom', 'demo'] as const;
export const provider = z.enum(PROVIDERS);
export type ProviderName = z.infer<typeof provider>;
export const RELEASE_REASONS = ['webhook', 'sweep', 'teacher', 'admin', 'failure'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

export const accountCredentials = z.strictObject({
  accountId: z.string().trim().min(1).max(200),
  clientId: z.string().trim().min(1).max(200),
  clientSecret: z.string().trim().min(1).max(500),
  userId: z.string().trim().min(1).max(200),
});
export const createAccountBody = z.strictObject({
  provider,
  label: z.string().trim().min(1).max(LIMITS.title.max),
  email: z.string().trim().max(LIMITS.email.max).pipe(z.email()),
  capacity: z.number().int().min(1).max(10).default(1),
  credentials: accountCredentials.optional(),
});
export const updateAccountBody = z.strictObject({
  label: z.string().trim().min(1).max(LIMITS.title.max).optional(),
  email: z.string().trim().max(LIMITS.email.max).pipe(z.email()).optional(),
  capacity: z.number().int().min(1).max(10).optional(),
  active: z.boolean().optional(),
  credentials: accountCredentials.optional(),
});
export const leasesQuery = z.strictObject({
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
  offset: z.coerce.number().int().min(0).default(0),
});
export const auditQuery = z.strictObject({
  actorId: uuid.optional(),
  accountId: uuid.optional(),
  action: z.string().max(64).optional(),
  outcome: z.enum(['ok', 'error']).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
  offset: z.coerce.number().int().min(0).default(0),
});
export const forecastQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(60).default(14),
});

/** The live state of one account; never carries credentials. */
export const accountStateDto = z.object({
  id: uuid,
  provider,
  label: z.string(),
  email: z.string(),
  capacity: z.number(),
  active: z.boolean(),
  hasCredentials: z.boolean(),
  lastUsedAt: z.string().nullable(),
  leases: z.array(
    z.object({
      leaseId: uuid,
      lessonId: uuid,
      lessonTitle: z.string(),
      groupId: uuid,
      groupName: z.string(),
      teacherId: uuid,
      teacherName: z.string(),
      since: z.string(),
    }),
  ),
});
export type AccountStateDto = z.infer<typeof accountStateDto>;
export const poolStatsDto = z.object({
  total: z.number(),
  active: z.number(),
  available: z.number(),
  inUse: z.number(),
});
export type PoolStatsDto = z.infer<typeof poolStatsDto>;

export const meetingDto = z.object({
  lessonId: uuid,
  meetingId: z.string(),
  joinUrl: z.string(),
  /** Host-only: present for the lesson's teacher, never for students. */
  startUrl: z.string().optional(),
  password: z.string().nullable(),
  account: z.object({ id: uuid, label: z.string() }).optional(),
});
export type MeetingDto = z.infer<typeof meetingDto>;
