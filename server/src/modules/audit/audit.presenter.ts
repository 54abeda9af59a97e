import type { AuditEntryDto } from '@tp/shared';
import type { AuditRow } from './audit.repository.js';

export function presentAuditEntry(row: AuditRow): AuditEntryDto {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorName: row.actorName,
    actorRole: row.actorRole,
    action: row.action,
    lessonId: row.lessonId,
    accountId: row.accountId,
    ip: row.ip,
    outcome: row.outcome,
    detail: row.detail,
  };
}
