import client from 'prom-client';
import type { JobsOverview } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { createMailTransport } from '../../infra/mailer.js';
import { notFound } from '../../infra/errors.js';
import { Duties } from './duties.js';
import { JobQueue } from './job-queue.js';
import { JobsRepository } from './jobs.repository.js';
import { MailOutbox } from './mail-outbox.js';
import { Scheduler } from './scheduler.js';

const FAILED_SHOWN = 100;

/**
 * The background machinery other modules use: `mailer` (every email), `scheduler` (jobs at a moment),
 * `duties` (periodic work); plus what the admin sees of it and the metrics.
 */
export class JobsService {
  readonly queue: JobQueue;
  readonly scheduler: Scheduler;
  readonly mailer: MailOutbox;
  readonly duties: Duties;
  private readonly repo: JobsRepository;

  constructor(private readonly infra: Infra) {
    this.repo = new JobsRepository(infra.orm);
    this.queue = new JobQueue(infra);
    this.scheduler = new Scheduler(this.queue, this.repo, infra.clock);
    this.mailer = new MailOutbox(this.queue, this.repo, createMailTransport(infra.env, infra.logger), infra);
    this.duties = new Duties(this.repo, infra.logger);
    this.registerMetrics();
  }

  async overview(): Promise<JobsOverview> {
    const [queues, failed, duties] = await Promise.all([this.repo.queueCounts(), this.repo.failedJobs(FAILED_SHOWN), this.duties.status()]);
    return {
      queues,
      failed: failed.map((job) => ({ ...job, failedAt: job.failedAt?.toISOString() ?? null, createdAt: job.createdAt.toISOString() })),
      duties,
    };
  }

  /** Gives a failed job its attempts back; 404 when it is not (or no longer) failed. */
  async retry(id: string): Promise<void> {
    const queue = await this.repo.failedJobQueue(id);
    if (!queue) throw notFound('job/not-found', 'Failed job');
    this.infra.logger.info({ job: id, queue }, 'failed job retried by an admin');
    await this.queue.retry(queue, id);
  }

  /** Read from the database on each scrape (a failed read leaves the gauges as they were, /metrics still answers). */
  private registerMetrics(): void {
    const repo = this.repo;
    const duties = this.duties;
    const registers = [this.infra.metrics.registry];
    new client.Gauge({
      name: 'background_duty_last_success_timestamp_seconds',
      help: 'When each periodic duty last succeeded (0: never)',
      labelNames: ['duty'],
      registers,
      async collect() {
        for (const duty of await duties.status().catch(() => [])) this.set({ duty: duty.name }, duty.lastSuccessAt ? Date.parse(duty.lastSuccessAt) / 1000 : 0);
      },
    });
    new client.Gauge({
      name: 'background_duty_overdue',
      help: '1 when a periodic duty has not succeeded for several of its intervals',
      labelNames: ['duty'],
      registers,
      async collect() {
        for (const duty of await duties.status().catch(() => [])) this.set({ duty: duty.name }, duty.overdue ? 1 : 0);
      },
    });
    new client.Gauge({
      name: 'job_queue_jobs',
      help: 'Jobs in each queue by state (waiting, retrying, active, failed)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        for (const row of await repo.queueCounts().catch(() => [])) {
          for (const state of ['waiting', 'retrying', 'active', 'failed'] as const) this.set({ queue: row.queue, state }, row[state]);
        }
      },
    });
  }
}
