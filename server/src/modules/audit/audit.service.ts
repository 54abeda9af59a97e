import client from 'prom-client';
import { storableText, type AuditEntryDto } from '@tp/shared';
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

  /** Lines that could not be stored even alone and made storable: each one is also logged at error. */
  private readonly lostLines: client.Counter;

  constructor(private readonly infra: Infra) {
    this.repository = new AuditRepository(infra.orm);
    const registry = infra.metrics.registry;
    this.lostLines =
      (registry.getSingleMetric('audit_lines_lost_total') as client.Counter | undefined) ??
      new client.Counter({ name: 'audit_lines_lost_total', help: 'Audit lines that could not be stored', registers: [registry] });
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
    const write = this.repository.insert(batch).catch((error: unknown) => this.insertOneByOne(batch, error));
    this.writing = write;
    await write;
    if (this.writing === write) this.writing = null;
  }

  /**
   * A failed batch is retried line by line, so one unstorable line never takes the others down. A
   * line that fails alone is retried once with its text made storable; only then is it lost, loudly.
   */
  private async insertOneByOne(batch: AuditRecord[], batchError: unknown): Promise<void> {
    if (batch.length > 1) this.infra.logger.warn({ err: batchError, lines: batch.length }, 'audit batch failed; retrying line by line');
    for (const record of batch) {
      try {
        await this.repository.insert([record]);
        continue;
      } catch {
        // Retried below in storable form.
      }
      try {
        await this.repository.insert([storable(record)]);
        this.infra.logger.warn({ action: record.action, lessonId: record.lessonId }, 'audit line stored with unstorable characters replaced');
      } catch (error) {
        this.lostLines.inc();
        this.infra.logger.error({ err: error, line: { ...record, detail: JSON.stringify(record.detail).slice(0, 2000) } }, 'AUDIT LINE LOST');
      }
    }
  }

  async list(filter: AuditFilter): Promise<{ items: AuditEntryDto[]; total: number }> {
    const page = await this.repository.list(filter);
    return { total: page.total, items: page.items.map(presentAuditEntry) };
  }
}

/** A copy whose strings (keys included) PostgreSQL text and jsonb accept. */
function storable(record: AuditRecord): AuditRecord {
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return storableText(value);
    if (Array.isArray(value)) return value.map(clean);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storableText(key), clean(inner)]));
    return value;
  };
  return {
    ...record,
    action: storableText(record.action),
    actorRole: record.actorRole && storableText(record.actorRole),
    ip: record.ip && storableText(record.ip),
    detail: clean(JSON.parse(JSON.stringify(record.detail))) as Record<string, unknown>,
  };
}
