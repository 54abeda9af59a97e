import PgBoss from 'pg-boss';
import { TransactionContext } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { Infra } from '../../infra/container.js';
import { QUEUE_SCHEMA } from '../../../../migrations/Migration20261202000008_job_queue.js';

export { QUEUE_SCHEMA };

/** Jobs one worker fetches and runs at once per queue. */
const BATCH_SIZE = 5;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/** What a handler learns about the job it runs. */
export interface JobRun {
  id: string;
  /** 0 on the first attempt. */
  retryCount: number;
  /** The key it was scheduled under (null for mail and other unkeyed jobs). */
  key: string | null;
}

/** A named queue and what runs its jobs. */
export interface QueueDefinition<T extends object = object> {
  name: string;
  /** `stately`: at most one waiting job per key (scheduled moments); `standard` otherwise. */
  policy: 'standard' | 'stately';
  /** Attempts after the first; each waits twice as long as the one before. */
  retryLimit: number;
  handle(data: T, run: JobRun): Promise<void>;
}

export interface SendOptions {
  startAfter?: Date;
  singletonKey?: string;
  id?: string;
  /** Enlist in this transaction; by default the one open in the current MikroORM transactional block. */
  em?: EntityManager;
}

/** A pg-boss connection over a knex transaction's own client, so a job commits or rolls back with it. */
export function transactionDb(em: EntityManager | undefined): PgBoss.Db | undefined {
  const trx = em?.getTransactionContext<Knex.Transaction>();
  if (!trx) return undefined;
  return {
    async executeSql(text, values) {
      const client = (await trx.client.acquireConnection()) as { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };
      return client.query(text, values ?? []);
    },
  };
}

/** The transaction the calling code is in, if any (MikroORM keeps it in async context). */
export function ambientTransaction(): EntityManager | undefined {
  const em = TransactionContext.getEntityManager() as EntityManager | undefined;
  return em?.isInTransaction() ? em : undefined;
}

/**
 * The durable queue on PostgreSQL (pg-boss). Every process sends; the processes that work
 * (the worker, or the server in single-node mode) fetch with SKIP LOCKED, so each job runs in one
 * place, and a job whose worker died is handed out again once it expires.
 */
export class JobQueue {
  private readonly definitions = new Map<string, QueueDefinition<never>>();
  private readonly workerIds = new Map<string, string>();
  private boss: PgBoss | null = null;
  private starting: Promise<PgBoss> | null = null;

  constructor(private readonly infra: Pick<Infra, 'env' | 'logger' | 'orm'>) {}

  define<T extends object>(definition: QueueDefinition<T>): void {
    if (this.definitions.has(definition.name)) throw new Error(`queue ${definition.name} is defined twice`);
    this.definitions.set(definition.name, definition as unknown as QueueDefinition<never>);
  }

  get names(): string[] {
    return [...this.definitions.keys()];
  }

  /** Connects and creates the queues; with `work`, also fetches and runs their jobs and expires lost ones. */
  start(options: { work: boolean; name?: string }): Promise<PgBoss> {
    this.starting ??= this.connect(options);
    return this.starting;
  }

  private async connect({ work, name }: { work: boolean; name?: string }): Promise<PgBoss> {
    const { env, logger, orm } = this.infra;
    const boss = new PgBoss({
      connectionString: orm.config.get('clientUrl'),
      schema: QUEUE_SCHEMA,
      application_name: `tp-queue-${name ?? 'app'}`,
      max: work ? 4 : 2,
      supervise: work,
      schedule: false,
      maintenanceIntervalSeconds: env.QUEUE_MAINTENANCE_S,
      // Failed jobs stay in the live table for a month, where an admin can see and retry them;
      // completed ones for two days, so the admin's "done in 24 h" counts them all.
      archiveFailedAfterSeconds: 30 * 24 * 3600,
      archiveCompletedAfterSeconds: 2 * 24 * 3600,
    });
    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
    await boss.start();
    for (const definition of this.definitions.values()) {
      await boss.createQueue(definition.name, {
        name: definition.name,
        policy: definition.policy,
        retryLimit: definition.retryLimit,
        retryDelay: env.QUEUE_RETRY_DELAY_S,
        retryBackoff: true,
        expireInSeconds: env.QUEUE_EXPIRE_S,
      });
      // Settings may change between releases; createQueue leaves an existing queue as it was.
      await boss.updateQueue(definition.name, {
        name: definition.name,
        retryLimit: definition.retryLimit,
        retryDelay: env.QUEUE_RETRY_DELAY_S,
        retryBackoff: true,
        expireInSeconds: env.QUEUE_EXPIRE_S,
      });
    }
    this.boss = boss;
    if (work) for (const definition of this.definitions.values()) await this.work(boss, definition);
    logger.info({ queues: this.names, work }, 'job queue started');
    return boss;
  }

  private async work(boss: PgBoss, definition: QueueDefinition<never>): Promise<void> {
    // The first fetch can run before work() resolves, so the id is read late.
    let workerId: string | null = null;
    workerId = await boss.work<never>(
      definition.name,
      { batchSize: BATCH_SIZE, includeMetadata: true, pollingIntervalSeconds: this.infra.env.QUEUE_POLL_S },
      async (jobs) => {
        // A batch runs side by side; pg-boss would fail the whole batch for one error, so each failure
        // is recorded on its own job (its retries follow) and the rest complete when this returns.
        const outcomes = await Promise.allSettled(jobs.map((job) => definition.handle(job.data, { id: job.id, retryCount: job.retryCount, key: job.singletonKey })));
        for (const [index, outcome] of outcomes.entries()) {
          if (outcome.status === 'fulfilled') continue;
          const job = jobs[index]!;
          this.infra.logger.warn({ err: outcome.reason, queue: definition.name, job: job.id, attempt: job.retryCount + 1 }, 'job failed');
          await boss.fail(definition.name, job.id, { message: errorText(outcome.reason) });
        }
        // pg-boss waits a polling interval after every fetch; a busy queue asks again at once.
        if (jobs.length && workerId) boss.notifyWorker(workerId);
      },
    );
    this.workerIds.set(definition.name, workerId);
  }

  /** Enqueues a job; inside a transaction it appears only if that transaction commits. */
  async send(name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    const boss = await this.ready();
    const db = transactionDb(options.em ?? ambientTransaction());
    const id = await boss.send(name, data, {
      startAfter: options.startAfter,
      singletonKey: options.singletonKey,
      id: options.id,
      ...(db ? { db } : {}),
    });
    const workerId = this.workerIds.get(name);
    if (id && workerId && !db) boss.notifyWorker(workerId);
    return id;
  }

  async cancel(name: string, ids: string[], em?: EntityManager): Promise<void> {
    if (!ids.length) return;
    const db = transactionDb(em ?? ambientTransaction());
    await (await this.ready()).cancel(name, ids, db ? { db } : {});
  }

  async retry(name: string, id: string): Promise<void> {
    await (await this.ready()).retry(name, id);
    const workerId = this.workerIds.get(name);
    if (workerId) this.boss?.notifyWorker(workerId);
  }

  async getJob(name: string, id: string): Promise<PgBoss.JobWithMetadata | null> {
    return (await this.ready()).getJobById(name, id);
  }

  /** Stops fetching, lets running jobs finish (up to `timeoutMs`) and closes the connections. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const starting = this.starting;
    this.starting = null;
    if (!starting) return;
    const boss = await starting.catch(() => null);
    if (!boss) return;
    // Jobs still running at the timeout are marked failed, so they are retried elsewhere.
    await boss.stop({ graceful: true, wait: true, timeout: timeoutMs }).catch(() => undefined);
    this.boss = null;
    this.workerIds.clear();
  }

  private ready(): Promise<PgBoss> {
    if (!this.starting) throw new Error('the job queue is not started');
    return this.starting;
  }
}
