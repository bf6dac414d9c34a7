import { Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '../common/async/with-timeout';
import { MetricsService } from '../metrics/metrics.service';
import { RECONCILED_KINDS } from './reconciliation-counts';
import type { RunsSummary } from './reconciliation-runs.repository';
import { ReconciliationsService } from './reconciliations.service';

/** A scrape never waits longer than this for the database; the gauges keep their last values. */
const READ_TIMEOUT_MS = 1000;
const CHANGES = ['created', 'updated', 'deleted'] as const;

/**
 * Reconciliation gauges, read from the runs table at scrape time so every instance reports the
 * same runs (any instance may have run one). Alert on the age of the last success (more than two
 * intervals means runs fail or never start) and on drift that stays high run after run (the
 * webhooks are not arriving).
 */
@Injectable()
export class ReconciliationMetrics {
  private readonly logger = new Logger('ReconciliationMetrics');

  constructor(metrics: MetricsService, reconciliations: ReconciliationsService) {
    if (!metrics.enabled) return;
    let pending: Promise<RunsSummary> | undefined;
    // The gauges collect in one scrape: they share one read.
    const read = () => {
      pending ??= withTimeout(reconciliations.summary(), READ_TIMEOUT_MS, 'runs read').finally(() =>
        setImmediate(() => (pending = undefined)),
      );
      return pending;
    };
    const logger = this.logger;
    metrics.gauge({
      name: 'reconciliation_last_success_timestamp_seconds',
      help: 'When the last reconciliation run (not a dry run) succeeded, Unix seconds (0: never)',
      async collect() {
        try {
          const summary = await read();
          this.set((summary.lastSucceededAt?.getTime() ?? 0) / 1000);
        } catch (err) {
          logger.warn({ msg: 'Reconciliation runs not read', err: (err as Error).message });
        }
      },
    });
    metrics.gauge({
      name: 'reconciliation_running',
      help: '1 while a reconciliation run is in progress on any instance',
      async collect() {
        const summary = await read().catch(() => undefined);
        if (summary) this.set(summary.running ? 1 : 0);
      },
    });
    metrics.gauge({
      name: 'reconciliation_last_run_drift',
      help: 'Rows the last finished run (not a dry run) repaired, by kind and change',
      labelNames: ['kind', 'change'],
      async collect() {
        const summary = await read().catch(() => undefined);
        if (!summary) return;
        for (const kind of RECONCILED_KINDS)
          for (const change of CHANGES) {
            this.set({ kind, change }, summary.last?.counts[kind]?.[change] ?? 0);
          }
      },
    });
    metrics.gauge({
      name: 'reconciliation_last_run_failed',
      help: '1 when the last finished run (not a dry run) failed',
      async collect() {
        const summary = await read().catch(() => undefined);
        if (summary) this.set(summary.last?.status === 'failed' ? 1 : 0);
      },
    });
  }
}
