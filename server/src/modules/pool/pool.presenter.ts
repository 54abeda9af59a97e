import type { AccountStateDto, LeaseDto, MeetingDto, PoolStatsDto } from '@tp/shared';
import type { AccountState, LeaseRow, PoolStats } from './accounts.repository.js';

/** Never carries credentials: only whether there are some. */
export function presentAccount(state: AccountState): AccountStateDto {
  return {
    id: state.id,
    provider: state.provider,
    label: state.label,
    email: state.email,
    capacity: state.capacity,
    active: state.active,
    hasCredentials: state.hasCredentials,
    lastUsedAt: state.lastUsedAt?.toISOString() ?? null,
    pausedUntil: state.pausedUntil?.toISOString() ?? null,
    leases: state.leases.map((lease) => ({
      leaseId: lease.leaseId,
      lessonId: lease.lessonId,
      lessonTitle: lease.lessonTitle,
      groupId: lease.groupId,
      groupName: lease.groupName,
      teacherId: lease.teacherId,
      teacherName: lease.teacherName,
      since: lease.since.toISOString(),
    })),
  };
}

export const presentStats = (stats: PoolStats): PoolStatsDto => ({ ...stats });

export function presentLease(row: LeaseRow): LeaseDto {
  return {
    id: row.id,
    accountId: row.accountId,
    accountLabel: row.accountLabel,
    slot: row.slot,
    lessonId: row.lessonId,
    lessonTitle: row.lessonTitle,
    teacherId: row.teacherId,
    teacherName: row.teacherName,
    acquiredAt: row.acquiredAt.toISOString(),
    releasedAt: row.releasedAt?.toISOString() ?? null,
    releaseReason: row.releaseReason,
    meetingId: row.meetingId,
  };
}

/** The meeting as one viewer may see it: the host link only when `host`. */
export function presentMeeting(
  meeting: { lessonId: string; meetingId: string; joinUrl: string; startUrl: string | null; password: string | null; account?: { id: string; label: string } },
  host: boolean,
): MeetingDto {
  const dto: MeetingDto = { lessonId: meeting.lessonId, meetingId: meeting.meetingId, joinUrl: meeting.joinUrl, password: meeting.password };
  if (host && meeting.startUrl) dto.startUrl = meeting.startUrl;
  if (host && meeting.account) dto.account = meeting.account;
  return dto;
}
