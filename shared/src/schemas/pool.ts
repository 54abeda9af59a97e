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
  /** Lifts a provider pause now (the plan was upgraded, the limit was lifted); new credentials lift it too. */
  resume: z.literal(true).optional(),
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
  /** The provider refuses the account until then (e.g. Zoom's daily limit); no lesson gets it meanwhile. */
  pausedUntil: z.string().nullable(),
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

/** Optional `Idempotency-Key` header of a start: a retried request with the same key gets the same answer. */
export const idempotencyKey = z.string().regex(/^[\w.:-]{8,128}$/, 'expected 8-128 characters of [A-Za-z0-9_.:-]');
export const poolSyncPayload = z.strictObject({});
export const leaseDto = z.object({
  id: uuid,
  accountId: uuid,
  accountLabel: z.string(),
  slot: z.number(),
  lessonId: uuid,
  lessonTitle: z.string(),
  teacherId: uuid,
  teacherName: z.string(),
  acquiredAt: z.string(),
  releasedAt: z.string().nullable(),
  releaseReason: z.enum(RELEASE_REASONS).nullable(),
  meetingId: z.string().nullable(),
});
export type LeaseDto = z.infer<typeof leaseDto>;
export const auditEntryDto = z.object({
  id: uuid,
  at: z.string(),
  actorId: uuid.nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  lessonId: uuid.nullable(),
  accountId: uuid.nullable(),
  ip: z.string().nullable(),
  outcome: z.enum(['ok', 'error']),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntryDto = z.infer<typeof auditEntryDto>;
/** `DELETE /api/pool/accounts/:id`: an account with lease history is deactivated, not deleted. */
export const removeAccountDto = z.object({ removed: z.enum(['deleted', 'deactivated']) });

/** The built-in demo provider's meeting page (no network, no real video). */
export const demoMeetingParam = z.strictObject({ meetingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a meeting id') });
export const demoMeetingQuery = z.strictObject({ host: z.string().max(200).optional() });
export const endDemoMeetingBody = z.strictObject({ hostToken: z.string().min(1).max(200) });
export const demoMeetingDto = z.object({
  meetingId: z.string(),
  lessonTitle: z.string(),
  groupName: z.string(),
  status: z.enum(['scheduled', 'live', 'completed', 'cancelled']),
  /** The caller holds the host link. */
  host: z.boolean(),
});
export type DemoMeetingDto = z.infer<typeof demoMeetingDto>;

export const occupancyQuery = z.strictObject({
  range: z.enum(['24h', '7d']).default('24h'),
});
export const heatmapQuery = z.strictObject({
  weeks: z.coerce.number().int().min(1).max(12).default(4),
  timezone: z.string().min(1).max(64).optional(),
});

/** Average occupied slots per bucket, against the capacity of active accounts. */
export interface OccupancyDto {
  range: '24h' | '7d';
  bucketMinutes: number;
  capacity: number;
  points: Array<{ at: string; busy: number; peak: number }>;
}
/** Hour-of-week saturation: cells[isoDay-1][hour] = share of samples in which every slot was busy. */
export interface HeatmapDto {
  weeks: number;
  timezone: string;
  capacity: number;
  cells: number[][];
}
export interface ForecastOverloadDto {
  startAt: string;
  endAt: string;
  scheduled: number;
  capacity: number;
  lessonIds: string[];
  /** The lessons scheduled in the slot, so an admin knows whom to ask to move. */
  lessons: Array<{ id: string; title: string; groupName: string; teacherName: string; startAt: string; endAt: string }>;
}
export interface ForecastDto {
  from: string;
  to: string;
  timezone: string;
  capacity: number;
  days: Array<{ date: string; peak: number; capacity: number; overloaded: boolean }>;
  overloads: ForecastOverloadDto[];
}
