import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { isoInstant, text, timezone, uuid } from './common.js';

export const PROVIDERS = ['zoom', 'demo'] as const;
export const provider = z.enum(PROVIDERS);
export type ProviderName = z.infer<typeof provider>;
export const RELEASE_REASONS = ['webhook', 'sweep', 'teacher', 'admin', 'failure'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

const accountLabel = text(LIMITS.title.max);
/** The provider's login; kept as typed (unlike user emails, it is not ours to normalise). */
const accountEmail = text(LIMITS.email.max).pipe(z.email());
export const accountCredentials = z.strictObject({
  accountId: text(200),
  clientId: text(200),
  clientSecret: text(500),
  userId: text(200),
});
export const createAccountBody = z.strictObject({
  provider,
  label: accountLabel,
  email: accountEmail,
  capacity: z.number().int().min(1).max(10).default(1),
  credentials: accountCredentials.optional(),
});
export const updateAccountBody = z.strictObject({
  label: accountLabel.optional(),
  email: accountEmail.optional(),
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
  action: text(64).optional(),
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
export const idempotencyKey = text(128, { trim: false }).regex(/^[\w.:-]{8,128}$/, 'expected 8-128 characters of [A-Za-z0-9_.:-]');
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
/** An admin's forced release says why; the teacher whose lesson it ends reads this. */
export const releaseAccountBody = z.strictObject({
  reason: text(LIMITS.releaseReason.max, { min: LIMITS.releaseReason.min }),
});
/** `DELETE /api/pool/accounts/:id`: an account with lease history is deactivated, not deleted. */
export const removeAccountDto = z.object({ removed: z.enum(['deleted', 'deactivated']) });

/** The built-in demo provider's meeting page (no network, no real video). */
export const demoMeetingParam = z.strictObject({ meetingId: text(64, { trim: false }).regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a meeting id') });
export const demoMeetingQuery = z.strictObject({ host: text(200, { min: 0, trim: false }).optional() });
export const endDemoMeetingBody = z.strictObject({ hostToken: text(200, { trim: false }) });
/**
 * Socket `meeting:enter` / `meeting:leave`: the demo meeting page is open (or closed) on this socket. A
 * stay lasts from enter to leave or the socket's disconnect; a reopened page starts a new one.
 */
export const demoMeetingPresencePayload = z.strictObject({ meetingId: demoMeetingParam.shape.meetingId, hostToken: text(200, { trim: false }).optional() });
export type DemoMeetingPresencePayload = z.infer<typeof demoMeetingPresencePayload>;
/** Someone who opened the demo meeting page signed in as the lesson's teacher or a student of its group. */
export const demoParticipantDto = z.object({
  userId: uuid,
  name: z.string(),
  role: z.enum(['teacher', 'student']),
  joinedAt: z.string(),
});
export type DemoParticipantDto = z.infer<typeof demoParticipantDto>;
export const demoMeetingDto = z.object({
  meetingId: z.string(),
  lessonId: uuid,
  lessonTitle: z.string(),
  groupName: z.string(),
  status: z.enum(['scheduled', 'live', 'completed', 'cancelled']),
  /** The caller holds the host link. */
  host: z.boolean(),
  /** When the lesson went live: every viewer counts the elapsed time from here. */
  startedAt: z.string().nullable(),
  /** The server's clock at the answer, so a browser with a wrong clock still shows the same elapsed time. */
  serverNow: z.string(),
  /** Who joined (teacher and students, signed in); shown only to the lesson's own participants. */
  participants: z.array(demoParticipantDto),
  /** The caller was counted as a participant (signed in as the teacher or a student of the group). */
  counted: z.boolean(),
});
export type DemoMeetingDto = z.infer<typeof demoMeetingDto>;

export const occupancyQuery = z.strictObject({
  range: z.enum(['24h', '7d']).default('24h'),
});
export const heatmapQuery = z.strictObject({
  weeks: z.coerce.number().int().min(1).max(12).default(4),
  timezone: timezone.optional(),
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
