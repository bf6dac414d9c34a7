import { Injectable } from '@nestjs/common';
import type { WebhookDelivery } from '../db/schema';
import { IncomingDelivery, WebhookInboxRepository } from './webhook-inbox.repository';

/** What the caller of a webhook is told; always with 200, so the sender stops retrying. */
export type DeliveryStatus = 'applied' | 'ignored' | 'duplicate' | 'pending';

/**
 * The inbox every webhook goes through: record the delivery, apply it, mark it applied, all in
 * the request's transaction. A failure rolls back the record too, so the sender's retry is
 * applied afresh; a delivery id seen before is acknowledged and not applied again.
 */
@Injectable()
export class WebhookInboxService {
  constructor(private readonly inbox: WebhookInboxRepository) {}

  async receive(
    delivery: IncomingDelivery,
    apply: () => Promise<DeliveryStatus>,
  ): Promise<DeliveryStatus> {
    const id = await this.inbox.record(delivery);
    if (!id) return 'duplicate';
    const status = await apply();
    // Pending deliveries stay unapplied, to be replayed when their installation is linked.
    if (status !== 'pending') await this.inbox.markApplied(id);
    return status;
  }

  pendingForInstallation(installationId: string): Promise<WebhookDelivery[]> {
    return this.inbox.pendingForInstallation(installationId);
  }

  markApplied(id: string): Promise<void> {
    return this.inbox.markApplied(id);
  }
}
