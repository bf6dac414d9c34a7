import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { JobEngine } from '../jobs/job-engine';
import { ReconciliationsService } from './reconciliations.service';

export const RECONCILE_QUEUE = 'reconciliation-tick';

/**
 * RECONCILE_INTERVAL_MINUTES on the job engine: a cron tick each minute (one job per tick across
 * all instances) starts a run when the last one started at least the interval ago. A tick rather
 * than a cron of the interval itself, which cron cannot express for most values (90, 1000, …).
 */
@Injectable()
export class ReconciliationScheduler implements OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly config: AppConfig,
    private readonly reconciliations: ReconciliationsService,
  ) {}

  async onModuleInit(): Promise<void> {
    const interval = this.config.reconcileIntervalMinutes;
    if (interval === 0) return;
    this.jobs.registerQueue(RECONCILE_QUEUE, { retryLimit: 0 });
    this.jobs.work(RECONCILE_QUEUE, () => this.reconciliations.startIfDue(interval));
    await this.jobs.schedule(RECONCILE_QUEUE, '* * * * *');
  }
}
