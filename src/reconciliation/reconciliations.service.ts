import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClerkUnavailableError } from '../clerk/clerk-call';
import { ActorContext, SYSTEM_ACTOR } from '../common/context/actor-context';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { ReconciliationRun } from '../db/schema';
import { failureReason } from '../jobs/transient-errors';
import { ClerkReconciler } from './clerk-reconciler';
import { GithubReconciler } from './github-reconciler';
import type { RunSource } from './reconciliation-counts';
import { ReconciliationRunsRepository, RunsSummary } from './reconciliation-runs.repository';
import { RunProgress, RunStopped } from './run-progress';

/** A running run whose heartbeat is older than this lost its process and is taken over. */
export const STALE_AFTER_MS = 10 * 60_000;
/** A running run stores its progress at least this often, batches or not. */
const HEARTBEAT_MS = 60_000;
/** How long a stopping instance waits for its run to record that it stopped. */
const STOP_WAIT_MS = 5000;

export type RunTrigger = 'request' | 'schedule';

interface Source {
  name: RunSource;
  configured: boolean;
  missing: string;
  run(progress: RunProgress): Promise<void>;
}

/**
 * Starts reconciliation runs (one at a time across instances: the runs table's partial unique
 * index), runs them in the background as the system, and reads them back. A source without
 * credentials is skipped and named in the run's errors; a source that fails ends the run
 * `failed`, with every batch before the failure committed whole.
 */
@Injectable()
export class ReconciliationsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Reconciliation');
  private current?: { progress: RunProgress; done: Promise<void> };

  constructor(
    private readonly runs: ReconciliationRunsRepository,
    private readonly clerk: ClerkReconciler,
    private readonly github: GithubReconciler,
    private readonly actors: ActorContext,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
  ) {}

  /** A new run, started in the background; 409 RECONCILIATION_RUNNING while one runs. */
  async start(dryRun: boolean, trigger: RunTrigger): Promise<ReconciliationRun> {
    const run = await this.txHost.withTransaction(async () => {
      await this.runs.failStale(new Date(Date.now() - STALE_AFTER_MS), {
        source: 'run',
        kind: 'failed',
        message: `no progress for ${STALE_AFTER_MS / 60_000} minutes: its process stopped`,
      });
      return this.runs.insertRunning(dryRun, trigger);
    });
    if (!run) {
      throw new DomainError(
        'RECONCILIATION_RUNNING',
        'A reconciliation is running; wait for it to finish',
      );
    }
    const progress = new RunProgress(run.id, dryRun, run.startedAt, this.runs, this.txHost);
    const done = this.actors.runAs(SYSTEM_ACTOR, () => this.execute(progress));
    this.current = { progress, done };
    void done.finally(() => {
      if (this.current?.progress === progress) this.current = undefined;
    });
    return run;
  }

  /** The scheduled tick: a run when the last one started `intervalMinutes` ago or more. */
  async startIfDue(intervalMinutes: number): Promise<void> {
    const latest = await this.runs.latestStartedAt();
    if (latest && Date.now() - latest.getTime() < intervalMinutes * 60_000) return;
    try {
      await this.start(false, 'schedule');
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'RECONCILIATION_RUNNING')) throw err;
    }
  }

  async get(id: string): Promise<ReconciliationRun> {
    const run = await this.runs.find(id);
    if (!run) throw new NotFoundError('RECONCILIATION');
    return run;
  }

  /** The last finished run and whether one runs now, for the metrics. */
  summary(): Promise<RunsSummary> {
    return this.runs.summary();
  }

  list(request: PageRequest): Promise<Page<ReconciliationRun>> {
    return this.runs.list(request);
  }

  /** A run in hand stops between two calls and is recorded `failed` (bounded wait). */
  async beforeApplicationShutdown(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.progress.stop('the instance stopped during the run');
    const timeout = new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref());
    await Promise.race([current.done, timeout]);
  }

  private async execute(progress: RunProgress): Promise<void> {
    const heartbeat = setInterval(() => {
      progress.heartbeat().catch((err: unknown) => {
        this.logger.warn({ msg: 'Reconciliation heartbeat failed', reason: failureReason(err) });
      });
    }, HEARTBEAT_MS).unref();
    let failed = false;
    try {
      for (const source of this.sources()) {
        if (!source.configured) {
          progress.error(source.name, 'skipped', source.missing);
          continue;
        }
        try {
          await source.run(progress);
        } catch (err) {
          failed = true;
          const message = sourceFailure(err);
          progress.error(source.name, 'failed', message.slice(0, 300));
          this.logger.warn({ msg: 'Reconciliation source failed', source: source.name, message });
          if (err instanceof RunStopped) break;
        }
      }
      await this.txHost.withTransaction(() =>
        this.runs.finish(
          progress.id,
          failed ? 'failed' : 'succeeded',
          progress.counts,
          progress.recordedErrors(),
        ),
      );
    } catch (err) {
      // The row stays `running` until its heartbeat is stale; then the next run takes over.
      this.logger.warn({ msg: 'Reconciliation not recorded', reason: failureReason(err) });
    } finally {
      clearInterval(heartbeat);
    }
  }

  private sources(): Source[] {
    return [
      {
        name: 'clerk',
        configured: this.clerk.configured,
        missing: 'skipped: CLERK_SECRET_KEY is not set',
        run: (progress) => this.clerk.run(progress),
      },
      {
        name: 'github',
        configured: this.github.configured,
        missing: 'skipped: GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY are not set',
        run: (progress) => this.github.run(progress),
      },
    ];
  }
}

/**
 * One line for the run's errors: the source's own failure as it says it; anything else (the
 * database, a bug) by its SQLSTATE and innermost message, never Drizzle's SQL text.
 */
function sourceFailure(err: unknown): string {
  if (
    err instanceof ClerkUnavailableError ||
    err instanceof DomainError ||
    err instanceof RunStopped
  ) {
    return err.message;
  }
  return failureReason(err);
}
