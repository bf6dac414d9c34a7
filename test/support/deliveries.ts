import { and, eq, ne } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../src/db/database';
import { WebhookDelivery, webhookDeliveries } from '../../src/db/schema';

/** The stored delivery (not a duplicate row) with this sender id. */
export async function deliveryRow(
  db: Database,
  source: 'clerk' | 'github',
  deliveryId: string,
): Promise<WebhookDelivery | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.source, source),
        eq(webhookDeliveries.deliveryId, deliveryId),
        ne(webhookDeliveries.status, 'duplicate'),
      ),
    );
  return row;
}

/**
 * Waits until the worker is done with the delivery: applied, failed, ignored, or waiting for its
 * installation's link (or, with `until`, any condition on the row).
 */
export async function settledDelivery(
  db: Database,
  source: 'clerk' | 'github',
  deliveryId: string,
  until: (row: WebhookDelivery) => boolean = (row) => row.status !== 'queued' || row.waitingForLink,
  timeoutMs = 20_000,
): Promise<WebhookDelivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await deliveryRow(db, source, deliveryId);
    if (row && until(row)) return row;
    if (Date.now() > deadline) {
      throw new Error(`Delivery ${deliveryId} still ${JSON.stringify(row)} after ${timeoutMs} ms`);
    }
    await sleep(20);
  }
}
