import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, desc, eq, lt, ne, sql } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Keyset } from '../db/keyset';
import { ReconciliationRun, reconciliationRuns as runs } from '../db/schema';
import { emptyCounts, RunCounts, RunError, RunStatus } from './reconciliation-counts';

export interface RunsSummary {
  last?: { status: string; finishedAt: Date | null; counts: RunCounts };
  lastSucceededAt?: Date;
  running: boolean;
}

const newestFirst = new Keyset(
  [
    { column: runs.startedAt, field: 'startedAt', kind: 'timestamp' },
    { column: runs.id, field: 'id', kind: 'text' },
  ],
  'newestFirst',
);

@Injectable()
export class ReconciliationRunsRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * A running run whose heartbeat is older than `staleBefore` lost its process: it is failed,
   * so the unique index of running runs lets a new one in.
   */
  async failStale(staleBefore: Date, error: RunError): Promise<void> {
    const stale = await this.db
      .select()
      .from(runs)
      .where(and(eq(runs.status, 'running'), lt(runs.heartbeatAt, staleBefore)))
      .for('update');
    for (const run of stale) {
      await this.db
        .update(runs)
        .set({
          status: 'failed',
          finishedAt: new Date(),
          errors: [...(run.errors as RunError[]), error],
        })
        .where(eq(runs.id, run.id));
    }
  }

  /** The new running run, or undefined while another one runs (the partial unique index). */
  async insertRunning(dryRun: boolean, trigger: string): Promise<ReconciliationRun | undefined> {
    const [row] = await this.db
      .insert(runs)
      .values({ status: 'running', dryRun, trigger, counts: emptyCounts() })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /** Counts and errors so far; false when the run is no longer running (taken over). */
  async saveProgress(id: string, counts: RunCounts, errors: RunError[]): Promise<boolean> {
    const rows = await this.db
      .update(runs)
      .set({ counts, errors, heartbeatAt: new Date() })
      .where(and(eq(runs.id, id), eq(runs.status, 'running')))
      .returning({ id: runs.id });
    return rows.length > 0;
  }

  /** Only the heartbeat (counts are stored with their batches); false when taken over. */
  async touch(id: string): Promise<boolean> {
    const rows = await this.db
      .update(runs)
      .set({ heartbeatAt: new Date() })
      .where(and(eq(runs.id, id), eq(runs.status, 'running')))
      .returning({ id: runs.id });
    return rows.length > 0;
  }

  async finish(
    id: string,
    status: RunStatus,
    counts: RunCounts,
    errors: RunError[],
  ): Promise<void> {
    await this.db
      .update(runs)
      .set({ status, counts, errors, finishedAt: new Date(), heartbeatAt: new Date() })
      .where(and(eq(runs.id, id), eq(runs.status, 'running')));
  }

  async find(id: string): Promise<ReconciliationRun | undefined> {
    const [row] = await this.db.select().from(runs).where(eq(runs.id, id));
    return row;
  }

  async latestStartedAt(): Promise<Date | undefined> {
    const [row] = await this.db
      .select({ startedAt: runs.startedAt })
      .from(runs)
      .orderBy(desc(runs.startedAt))
      .limit(1);
    return row?.startedAt;
  }

  /**
   * For the metrics: the newest finished run that changed things (not a dry run), when a run last
   * succeeded, and whether one runs now. The table holds a row per run (four a day by default).
   */
  async summary(): Promise<RunsSummary> {
    const [last] = await this.db
      .select({ status: runs.status, finishedAt: runs.finishedAt, counts: runs.counts })
      .from(runs)
      .where(and(eq(runs.dryRun, false), ne(runs.status, 'running')))
      .orderBy(desc(runs.startedAt))
      .limit(1);
    const [totals] = await this.db
      .select({
        lastSucceededAt: sql<
          string | null
        >`max(${runs.finishedAt}) filter (where ${runs.status} = 'succeeded' and not ${runs.dryRun})`,
        running: sql<number>`count(*) filter (where ${runs.status} = 'running')::int`,
      })
      .from(runs);
    return {
      last: last && { ...last, counts: last.counts as RunCounts },
      lastSucceededAt: totals.lastSucceededAt ? new Date(totals.lastSucceededAt) : undefined,
      running: totals.running > 0,
    };
  }

  async list(request: PageRequest): Promise<Page<ReconciliationRun>> {
    const rows = await this.db
      .select()
      .from(runs)
      .where(newestFirst.after(request.cursor))
      .orderBy(...newestFirst.orderBy)
      .limit(request.limit + 1);
    return newestFirst.page(rows, request);
  }
}
