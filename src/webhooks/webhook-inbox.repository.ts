import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { WebhookDelivery, webhookDeliveries } from '../db/schema';

export interface IncomingDelivery {
  source: 'github' | 'clerk';
  deliveryId: string;
  event: string;
  action?: string | null;
  installationId?: string | null;
  payload: unknown;
}

@Injectable()
export class WebhookInboxRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /**
   * Records a delivery; undefined when its id was seen before. The unique index decides, so a
   * delivery received by two instances at once is recorded, and applied, by exactly one.
   */
  async record(delivery: IncomingDelivery): Promise<string | undefined> {
    const [row] = await this.db
      .insert(webhookDeliveries)
      .values({ ...delivery, payload: delivery.payload })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    return row?.id;
  }

  async markApplied(id: string): Promise<void> {
    const now = new Date();
    await this.db
      .update(webhookDeliveries)
      .set({ appliedAt: now, updatedAt: now })
      .where(eq(webhookDeliveries.id, id));
  }

  /** Deliveries kept for an installation no organization had linked, oldest first. */
  pendingForInstallation(installationId: string): Promise<WebhookDelivery[]> {
    return this.db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.source, 'github'),
          eq(webhookDeliveries.installationId, installationId),
          isNull(webhookDeliveries.appliedAt),
        ),
      )
      .orderBy(asc(webhookDeliveries.receivedAt), asc(webhookDeliveries.id));
  }
}
