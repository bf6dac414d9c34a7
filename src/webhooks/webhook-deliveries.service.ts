import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { createHash } from 'node:crypto';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { WebhookDelivery } from '../db/schema';
import { JobEngine } from '../jobs/job-engine';
import type { DeliveryReading, WebhookSource } from './delivery-reading';
import { DELIVERY_QUEUE, DeliveryJob } from './delivery-queue';
import {
  DeliveryBacklog,
  DeliveryFilter,
  NewDelivery,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository';

/** What the sender is told, always with 200: it never needs to send the delivery again. */
export type ReceiptStatus = 'queued' | 'duplicate' | 'ignored' | 'rejected';

export interface IncomingDelivery {
  source: WebhookSource;
  deliveryId: string;
  /** The signed bytes, as received. */
  body: string;
  reading: DeliveryReading<unknown>;
}

/**
 * The inbox of webhook deliveries: each verified delivery is stored with its status and, when it
 * is to be applied, its job, in one transaction; the worker applies it afterwards. Platform
 * admins list, inspect and replay deliveries.
 */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly jobs: JobEngine,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
  ) {}

  /** Queued and failed deliveries by source, read outside any transaction (metrics). */
  backlog(): Promise<DeliveryBacklog[]> {
    return this.deliveries.backlog();
  }

  /** Stores the delivery and its job in one transaction, then wakes this process's worker. */
  async receive(incoming: IncomingDelivery): Promise<ReceiptStatus> {
    const status = await this.txHost.withTransaction(() => this.store(incoming));
    if (status === 'queued') this.jobs.notify(DELIVERY_QUEUE);
    return status;
  }

  private async store({ source, deliveryId, body, reading }: IncomingDelivery) {
    const delivery: NewDelivery = {
      source,
      deliveryId,
      event: reading.event,
      status:
        reading.kind === 'valid' ? 'queued' : reading.kind === 'ignored' ? 'ignored' : 'failed',
      installationId: reading.kind === 'valid' ? (reading.installationId ?? null) : null,
      // A raw NUL byte cannot be stored as text; such a body is not JSON and is rejected anyway.
      body: body.includes('\u0000') ? '' : body,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      lastError: reading.kind === 'rejected' ? reading.reason : null,
    };
    const id = await this.deliveries.insert(delivery);
    if (!id) {
      await this.deliveries.insertDuplicate(delivery);
      return 'duplicate';
    }
    if (reading.kind !== 'valid') return reading.kind;
    await this.enqueue(source, [id]);
    return 'queued';
  }

  list(filter: DeliveryFilter, request: PageRequest): Promise<Page<WebhookDelivery>> {
    return this.deliveries.list(filter, request);
  }

  async get(id: string): Promise<WebhookDelivery> {
    const delivery = await this.deliveries.find(id);
    if (!delivery) throw new NotFoundError('DELIVERY');
    return delivery;
  }

  /**
   * Queues a finished delivery again (after a fix, say): the worker re-reads its stored body
   * with the current schemas and applies it. One still queued or running is left alone.
   */
  async replay(id: string): Promise<WebhookDelivery> {
    const delivery = await this.deliveries.findForUpdate(id);
    if (!delivery) throw new NotFoundError('DELIVERY');
    if (delivery.status === 'queued') {
      throw new DomainError('DELIVERY_IN_PROGRESS', 'This delivery is queued or being applied');
    }
    if (delivery.status === 'duplicate') {
      throw new DomainError(
        'DELIVERY_NOT_REPLAYABLE',
        'A duplicate has no body of its own; replay the delivery it repeats',
      );
    }
    await this.deliveries.update(id, {
      status: 'queued',
      lastError: null,
      appliedAt: null,
      nextAttemptAt: null,
      waitingForLink: false,
    });
    await this.enqueue(delivery.source as WebhookSource, [id]);
    return (await this.deliveries.find(id))!;
  }

  /**
   * GitHub deliveries kept while no organization had linked the installation: queued now, in
   * the order they arrived, as one job applied in that order. Call it in the linking transaction.
   */
  async queueWaitingFor(installationId: string): Promise<number> {
    const ids = await this.deliveries.takeWaiting(installationId);
    if (ids.length > 0) await this.enqueue('github', ids);
    return ids.length;
  }

  private async enqueue(source: WebhookSource, deliveryIds: string[]): Promise<void> {
    await this.jobs.send<DeliveryJob>(DELIVERY_QUEUE, { source, deliveryIds });
  }
}
