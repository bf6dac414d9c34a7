import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AppConfig } from '../common/config/app-config';
import { ActorContext } from '../common/context/actor-context';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { JobEngine } from '../jobs/job-engine';
import type { JobAttempt } from '../jobs/job-worker';
import { failureReason, isTransient } from '../jobs/transient-errors';
import type { DeliveryApplier } from './delivery-applier';
import type { WebhookSource } from './delivery-reading';
import { DELIVERY_DEAD_LETTER_QUEUE, DELIVERY_QUEUE, DeliveryJob } from './delivery-queue';
import { DeliveryChanges, WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/** Deliveries applied at once per instance on PostgreSQL (PGlite: one). */
const CONCURRENCY = 2;

/**
 * Applies queued deliveries: each in its own transaction, as Clerk or GitHub, with its row
 * locked so that however many workers hold a job for it, it is applied once. A transient
 * failure is retried by the job engine with backoff (ten retries, over an hour at the default
 * delay); anything else, or the last retry, leaves the delivery `failed` with a one-line reason.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit {
  private readonly logger = new Logger('WebhookDeliveries');
  private readonly appliers = new Map<WebhookSource, DeliveryApplier>();

  constructor(
    private readonly jobs: JobEngine,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
    private readonly actors: ActorContext,
    private readonly config: AppConfig,
  ) {}

  /** Each source module registers how its deliveries are applied. */
  register(applier: DeliveryApplier): void {
    this.appliers.set(applier.source, applier);
  }

  onModuleInit(): void {
    this.jobs.registerQueue(DELIVERY_DEAD_LETTER_QUEUE);
    this.jobs.registerQueue(DELIVERY_QUEUE, { deadLetter: DELIVERY_DEAD_LETTER_QUEUE });
    this.jobs.work<DeliveryJob>(DELIVERY_QUEUE, (job, attempt) => this.run(job, attempt), {
      concurrency: CONCURRENCY,
    });
    this.jobs.work<DeliveryJob>(DELIVERY_DEAD_LETTER_QUEUE, (job) => this.giveUp(job));
  }

  private async run(job: DeliveryJob, attempt: JobAttempt): Promise<void> {
    const applier = this.appliers.get(job.source);
    if (!applier) throw new Error(`No applier for ${job.source} deliveries`);
    for (const id of job.deliveryIds) await this.applyOne(applier, id, attempt);
  }

  private async applyOne(applier: DeliveryApplier, id: string, attempt: JobAttempt) {
    try {
      await this.actors.runAs(applier.actor, () =>
        this.txHost.withTransaction(() => this.applyLocked(applier, id)),
      );
    } catch (err) {
      const reason = failureReason(err);
      if (isTransient(err) && !attempt.lastAttempt) {
        await this.record(id, { lastError: reason, nextAttemptAt: this.earliestRetry(attempt) });
        this.logger.warn({ msg: 'Delivery will be retried', deliveryId: id, reason });
        throw err;
      }
      await this.record(id, { status: 'failed', lastError: reason, nextAttemptAt: null });
      this.logger.warn({ msg: 'Delivery failed', deliveryId: id, reason });
    }
  }

  private async applyLocked(applier: DeliveryApplier, id: string): Promise<void> {
    const delivery = await this.deliveries.findForUpdate(id);
    // Applied meanwhile (a repeated job), replayed, or waiting again: nothing to do here.
    if (delivery?.status !== 'queued' || delivery.waitingForLink) return;
    await this.deliveries.limitLockWait();
    const outcome = await applier.apply(delivery);
    if (outcome === 'waiting') {
      await this.deliveries.recordAttempt(id, {
        waitingForLink: true,
        lastError: `Waiting for installation ${delivery.installationId} to be linked to an organization`,
        nextAttemptAt: null,
      });
      return;
    }
    await this.deliveries.recordAttempt(id, {
      status: outcome,
      appliedAt: outcome === 'applied' ? new Date() : null,
      lastError: null,
      nextAttemptAt: null,
    });
  }

  /** Only when a job's last try never finished (its process died): the delivery is failed. */
  private async giveUp(job: DeliveryJob): Promise<void> {
    for (const id of job.deliveryIds) {
      await this.txHost.withTransaction(async () => {
        const delivery = await this.deliveries.findForUpdate(id);
        if (delivery?.status !== 'queued' || delivery.waitingForLink) return;
        await this.deliveries.update(id, {
          status: 'failed',
          lastError: `Gave up after ${delivery.attempts} attempts: ${delivery.lastError ?? 'the worker stopped while applying it'}`,
          nextAttemptAt: null,
        });
      });
    }
  }

  /** Counts the attempt in a transaction of its own (the attempt's was rolled back). */
  private async record(id: string, changes: DeliveryChanges): Promise<void> {
    try {
      await this.txHost.withTransaction(() => this.deliveries.recordAttempt(id, changes));
    } catch (err) {
      this.logger.warn({
        msg: 'Delivery attempt not recorded',
        deliveryId: id,
        reason: failureReason(err),
      });
    }
  }

  /** pg-boss waits between 1× and 2× delay·2^(attempt−1) before the next try. */
  private earliestRetry(attempt: JobAttempt): Date {
    const seconds = this.config.jobs.retryDelaySeconds * 2 ** (attempt.attempt - 1);
    return new Date(Date.now() + seconds * 1000);
  }
}
