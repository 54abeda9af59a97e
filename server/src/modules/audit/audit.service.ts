import type { AuditEntryDto } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { AuditRepository, type AuditFilter, type AuditRecord } from './audit.repository.js';
import { presentAuditEntry } from './audit.presenter.js';

export interface AuditActor {
  userId: string | null;
  role: string | null;
  ip?: string | null;
}

export interface AuditInput {
  actor: AuditActor | null;
  action: string;
  lessonId?: string | null;
  accountId?: string | null;
  outcome: 'ok' | 'error';
  detail?: Record<string, unknown>;
}

/** Who started, ended or released what, when, from which IP, and the outcome. */
export class AuditService {
  private readonly repository: AuditRepository;
  private pending: AuditRecord[] = [];
  private flushing: Promise<void> | null = null;
  /** The insert on the wire; lines recorded meanwhile wait for it and go together in the next one. */
  private writing: Promise<void> | null = null;

  constructor(private readonly infra: Infra) {
    this.repository = new AuditRepository(infra.orm);
  }

  /**
   * Resolves once the line is stored. Lines recorded together, or while the previous insert is on the
   * wire, are written in one statement (group commit), so a burst of starts costs one insert. Never
   * fails the caller's operation: a lost audit line is logged, the lesson still starts.
   */
  record(input: AuditInput): Promise<void> {
    this.pending.push({
      at: this.infra.clock.now(),
      actorId: input.actor?.userId || null,
      actorRole: input.actor?.role ?? null,
      action: input.action,
      lessonId: input.lessonId ?? null,
      accountId: input.accountId ?? null,
      ip: input.actor?.ip ?? null,
      outcome: input.outcome,
      detail: input.detail ?? {},
    });
    this.flushing ??= (this.writing ?? Promise.resolve())
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = null;
    const write = this.repository
      .insert(batch)
      .catch((error: unknown) => this.infra.logger.error({ err: error, actions: batch.map((r) => r.action) }, 'audit write failed'));
    this.writing = write;
    await write;
    if (this.writing === write) this.writing = null;
  }

  async list(filter: AuditFilter): Promise<{ items: AuditEntryDto[]; total: number }> {
    const page = await this.repository.list(filter);
    return { total: page.total, items: page.items.map(presentAuditEntry) };
  }
}
