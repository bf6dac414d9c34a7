import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import PgBoss from 'pg-boss';
import type { Counter } from 'prom-client';
import { AppConfig } from '../common/config/app-config';
import { isDatabaseUnavailable } from '../common/errors/database-errors';
import { DatabaseUnavailableError } from '../common/errors/domain-error';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { DatabaseConnection } from '../db/database';
import { DATABASE_CONNECTION } from '../db/drizzle.module';
import { MetricsService } from '../metrics/metrics.service';
import { guardUnawaitedStatements } from './unawaited-statements';
import { JobHandler, JobWorker, message } from './job-worker';
import { connectionExecutor, transactionExecutor } from './pg-boss-db';

/** pg-boss keeps its tables in this schema, which it creates and migrates itself at start. */
export const JOB_SCHEMA = 'pgboss';

export interface QueueSettings {
  /** Retries after the first attempt (default 10); each waits about twice as long as the last. */
  retryLimit?: number;
  /** Where a job goes once its retries are spent (a queue registered here too). */
  deadLetter?: string;
}

export interface SendOptions {
  /** Not before this time. */
  startAfter?: Date;
}

const DEFAULT_RETRY_LIMIT = 10;
/** A start that failed (database unreachable, a race with another instance) is tried again. */
const START_RETRY_MS = [200, 500, 1000, 2000, 5000];
/** How long a stopping instance lets the jobs in hand finish before it closes the pool. */
const STOP_WAIT_MS = 5000;

/**
 * The job engine: pg-boss on the service's own database (PostgreSQL or the embedded PGlite).
 * Modules register queues, workers and cron schedules while they initialise; the engine starts
 * once the application is up and stops before the database closes. `send` inside a transaction
 * writes the job in that transaction: committed together, or rolled back together.
 */
@Injectable()
export class JobEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly queues = new Map<string, QueueSettings>();
  private readonly handlers: { queue: string; handler: JobHandler<never>; count: number }[] = [];
  private readonly schedules = new Map<string, { cron: string; data: object }>();
  private workers: JobWorker<never>[] = [];
  /** Set once started: its schema exists and the workers run. */
  private boss?: PgBoss;
  private retry?: NodeJS.Timeout;
  private stopping = false;
  private readonly failures: Counter<'queue'>;

  constructor(
    private readonly config: AppConfig,
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
    metrics: MetricsService,
  ) {
    this.failures = metrics.counter({
      name: 'job_failures_total',
      help: 'Job runs that threw (each is retried, or sent to its dead-letter queue)',
      labelNames: ['queue'],
    });
  }

  registerQueue(name: string, settings: QueueSettings = {}): void {
    this.queues.set(name, settings);
  }

  /**
   * Runs `handler` for each job of the queue, `concurrency` at a time in this process (one on
   * PGlite, whose single connection serialises them anyway). A thrown error is retried.
   */
  work<T>(queue: string, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    const count = this.connection.kind === 'pglite' ? 1 : (options.concurrency ?? 1);
    this.handlers.push({ queue, handler: handler, count });
  }

  /** A cron schedule (UTC): one job per tick across all instances. */
  async schedule(queue: string, cron: string, data: object = {}): Promise<void> {
    this.schedules.set(queue, { cron, data });
    await this.boss?.schedule(queue, cron, data, { tz: 'UTC' });
  }

  /**
   * Queues a job. Inside a transaction it is written by that transaction, so it exists exactly
   * when the transaction commits (and on PGlite nothing waits on the connection it holds).
   */
  async send<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<string> {
    // Before the engine's first start its schema may not exist: the caller is asked to retry.
    if (!this.boss) throw new DatabaseUnavailableError();
    const db = this.txHost.isTransactionActive() ? transactionExecutor(this.txHost.tx) : undefined;
    const id = await this.boss.send(queue, data, { ...options, ...(db ? { db } : {}) });
    if (!id) throw new Error(`Job for ${queue} was not queued`);
    return id;
  }

  /** Wakes this process's idle workers of the queue (call after the job's transaction commits). */
  notify(queue: string): void {
    for (const worker of this.workers) if (worker.queue === queue) worker.notify();
  }

  /**
   * Starts the engine (creating or migrating its schema) and the workers. With the database
   * unreachable the service still starts, answering 503, and the engine keeps trying.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.tryStart(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    if (!this.boss) return;
    const stopped = Promise.all(this.workers.map((worker) => worker.stop()));
    const timeout = new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref());
    await Promise.race([stopped, timeout]);
    await this.boss.stop({ graceful: false, close: false }).catch((err: unknown) => {
      this.logger.warn({ msg: 'Job engine stop failed', err: message(err) });
    });
  }

  /**
   * A race with another instance starting on the same database (a deadlock creating queues) is
   * retried at once; an unreachable database in the background, while the service runs.
   */
  private async tryStart(attempt: number): Promise<void> {
    const boss = this.createBoss();
    try {
      await this.start(boss);
    } catch (err) {
      this.logger.warn({ msg: 'Job engine not started; retrying', err: message(err) });
      await boss.stop({ graceful: false, close: false }).catch(() => undefined);
      if (this.stopping) return;
      if (attempt < 3 && !isDatabaseUnavailable(err)) return this.tryStart(attempt + 1);
      const delay = START_RETRY_MS[Math.min(attempt, START_RETRY_MS.length - 1)];
      this.retry = setTimeout(() => void this.tryStart(attempt + 1), delay);
      this.retry.unref();
    }
  }

  private async start(boss: PgBoss): Promise<void> {
    await boss.start();
    // Every queue exists before any names another as its dead-letter queue (a foreign key).
    for (const name of this.queues.keys()) {
      if (!(await boss.getQueue(name))) await boss.createQueue(name);
    }
    for (const [name, settings] of this.queues) {
      await boss.updateQueue(name, this.queueOptions(name, settings));
    }
    for (const [queue, { cron, data }] of this.schedules) {
      await boss.schedule(queue, cron, data, { tz: 'UTC' });
    }
    this.workers = this.handlers.flatMap(({ queue, handler, count }) => {
      const failures = this.failures.labels(queue);
      return Array.from(
        { length: count },
        () =>
          new JobWorker(boss, queue, handler, this.config.jobs.pollIntervalMs, this.logger, () =>
            failures.inc(),
          ),
      );
    });
    this.boss = boss;
    for (const worker of this.workers) worker.start();
  }

  private createBoss(): PgBoss {
    const timeout = this.config.jobs.timeoutSeconds;
    const boss = new PgBoss({
      db: guardUnawaitedStatements(connectionExecutor(this.connection), JOB_SCHEMA, this.logger),
      schema: JOB_SCHEMA,
      // A job active longer than this counts as lost (its process died) and is retried.
      expireInSeconds: timeout,
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.ceil(timeout / 2))),
    });
    // Without a listener an 'error' event (database gone during maintenance) ends the process.
    boss.on('error', (err: Error) =>
      this.logger.warn({ msg: 'Job engine error', err: message(err) }),
    );
    return boss;
  }

  private queueOptions(name: string, settings: QueueSettings): PgBoss.Queue {
    return {
      name,
      policy: 'standard',
      retryLimit: settings.retryLimit ?? DEFAULT_RETRY_LIMIT,
      retryDelay: this.config.jobs.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: this.config.jobs.timeoutSeconds,
      ...(settings.deadLetter ? { deadLetter: settings.deadLetter } : {}),
    };
  }
}
