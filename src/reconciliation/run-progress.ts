import type { TransactionHost } from '@nestjs-cls/transactional';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import {
  addCounts,
  emptyCounts,
  Outcome,
  ReconciledKind,
  RunCounts,
  RunError,
  RunSource,
} from './reconciliation-counts';
import type { ReconciliationRunsRepository } from './reconciliation-runs.repository';

/** Writes of one batch at most: each batch is one short transaction. */
export const BATCH_SIZE = 500;
/** A run records at most this many errors; the last one says how many more there were. */
const MAX_ERRORS = 50;

/** The run was stopped (its instance shuts down, or another instance took it over). */
export class RunStopped extends Error {
  constructor(reason: string) {
    super(reason);
  }
}

/** One repair: what it counts as, and the writes that make it (none in a dry run). */
export interface Repair {
  kind: ReconciledKind;
  outcome: Outcome;
  apply: () => Promise<void>;
}

/**
 * The counts and errors of a running run. Repairs are applied in batches of BATCH_SIZE, each in
 * its own transaction that also stores the counts including it: what the run row says is what
 * committed. A dry run applies nothing and stores the counts it would have reached.
 */
export class RunProgress {
  readonly counts = emptyCounts();
  readonly errors: RunError[] = [];
  private droppedErrors = 0;
  private stopReason?: string;

  constructor(
    readonly id: string,
    readonly dryRun: boolean,
    /** Rows Clerk described at or after this moment were seen by webhooks during the run. */
    readonly startedAt: Date,
    private readonly runs: ReconciliationRunsRepository,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
  ) {}

  stop(reason: string): void {
    this.stopReason ??= reason;
  }

  /** Throws RunStopped once stop() was called: checked between source calls and batches. */
  checkStopped(): void {
    if (this.stopReason) throw new RunStopped(this.stopReason);
  }

  error(source: RunSource, kind: RunError['kind'], message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ source, kind, message });
    else this.droppedErrors++;
  }

  /** Rows found as the source has them: counted, nothing written. */
  unchanged(kind: ReconciledKind, n = 1): void {
    this.counts[kind].unchanged += n;
  }

  /** Applies the repairs in batches (one transaction each, with the counts), then saves. */
  async apply(repairs: Repair[]): Promise<void> {
    for (let i = 0; i < repairs.length; i += BATCH_SIZE) {
      this.checkStopped();
      const batch = repairs.slice(i, i + BATCH_SIZE);
      const delta = emptyCounts();
      for (const repair of batch) delta[repair.kind][repair.outcome]++;
      const next = structuredClone(this.counts);
      addCounts(next, delta);
      await this.txHost.withTransaction(async () => {
        if (!this.dryRun) for (const repair of batch) await repair.apply();
        await this.store(next);
      });
      addCounts(this.counts, delta);
    }
    if (repairs.length === 0) await this.save();
  }

  /** Stores the counts and errors so far (also the heartbeat that keeps the run its own). */
  async save(): Promise<void> {
    await this.txHost.withTransaction(() => this.store(this.counts));
  }

  /** Tells other instances the run is alive; stops it when another one took it over. */
  async heartbeat(): Promise<void> {
    const alive = await this.txHost.withTransaction(() => this.runs.touch(this.id));
    if (!alive) this.stop('the run was taken over after its heartbeat stopped');
  }

  recordedErrors(): RunError[] {
    if (this.droppedErrors === 0) return this.errors;
    return [
      ...this.errors,
      { source: 'run', kind: 'rejected', message: `${this.droppedErrors} more errors not listed` },
    ];
  }

  private async store(counts: RunCounts): Promise<void> {
    if (!(await this.runs.saveProgress(this.id, counts, this.recordedErrors()))) {
      throw new RunStopped('the run was taken over after its heartbeat stopped');
    }
  }
}
