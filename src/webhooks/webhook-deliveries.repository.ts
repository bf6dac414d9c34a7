import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Keyset } from '../db/keyset';
import { WebhookDelivery, webhookDeliveries as deliveries } from '../db/schema';
import type { WebhookSource } from './delivery-reading';

export type DeliveryStatus = 'queued' | 'applied' | 'failed' | 'ignored' | 'duplicate';
export const DELIVERY_STATUSES: DeliveryStatus[] = [
  'queued',
  'applied',
  'failed',
  'ignored',
  'duplicate',
];

export interface NewDelivery {
  source: WebhookSource;
  deliveryId: string;
  event: string;
  status: DeliveryStatus;
  installationId?: string | null;
  body: string;
  bodySha256: string;
  lastError?: string | null;
}

export type DeliveryChanges = Partial<
  Pick<WebhookDelivery, 'status' | 'lastError' | 'appliedAt' | 'nextAttemptAt' | 'waitingForLink'>
>;

/** Queued or failed deliveries of one source, now. */
export interface DeliveryBacklog {
  source: string;
  status: 'queued' | 'failed';
  count: number;
  /** Seconds since the oldest queued delivery not waiting for a link arrived; null when none. */
  oldestQueuedAgeSeconds: number | null;
}

export interface DeliveryFilter {
  source?: WebhookSource;
  status?: DeliveryStatus;
  deliveryId?: string;
}

const newestFirst = new Keyset(
  [
    { column: deliveries.receivedAt, field: 'receivedAt', kind: 'timestamp' },
    { column: deliveries.id, field: 'id', kind: 'text' },
  ],
  'newestFirst',
);

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Counts by source and status over the partial index of queued and failed deliveries. */
  async backlog(): Promise<DeliveryBacklog[]> {
    return this.db
      .select({
        source: deliveries.source,
        status: sql<'queued' | 'failed'>`${deliveries.status}`,
        count: sql<number>`count(*)::int`,
        oldestQueuedAgeSeconds: sql<
          number | null
        >`extract(epoch from now() - min(${deliveries.receivedAt}) filter (where ${deliveries.status} = 'queued' and not ${deliveries.waitingForLink}))::float8`,
      })
      .from(deliveries)
      .where(inArray(deliveries.status, ['queued', 'failed']))
      .groupBy(deliveries.source, deliveries.status);
  }

  /**
   * Stores a delivery; undefined when its id, or its body, was seen before from this source.
   * The unique indexes decide, so two instances receiving one delivery store it once.
   */
  async insert(delivery: NewDelivery): Promise<string | undefined> {
    const [row] = await this.db
      .insert(deliveries)
      .values(delivery)
      .onConflictDoNothing()
      .returning({ id: deliveries.id });
    return row?.id;
  }

  /** Records a repeat under a new delivery id (once per id), without its body. */
  async insertDuplicate(delivery: NewDelivery): Promise<void> {
    await this.db
      .insert(deliveries)
      .values({ ...delivery, status: 'duplicate', body: null, lastError: null })
      .onConflictDoNothing();
  }

  find(id: string): Promise<WebhookDelivery | undefined> {
    return this.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.id, id))
      .then((rows) => rows[0]);
  }

  /** The delivery, locked until the transaction ends: one worker applies it at a time. */
  findForUpdate(id: string): Promise<WebhookDelivery | undefined> {
    return this.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.id, id))
      .for('update')
      .then((rows) => rows[0]);
  }

  async list(filter: DeliveryFilter, request: PageRequest): Promise<Page<WebhookDelivery>> {
    const rows = await this.db
      .select()
      .from(deliveries)
      .where(
        and(
          filter.source ? eq(deliveries.source, filter.source) : undefined,
          filter.status ? eq(deliveries.status, filter.status) : undefined,
          filter.deliveryId ? eq(deliveries.deliveryId, filter.deliveryId) : undefined,
          newestFirst.after(request.cursor),
        ),
      )
      .orderBy(...newestFirst.orderBy)
      .limit(request.limit + 1);
    return newestFirst.page(rows, request);
  }

  /** A statement waiting longer than this for a row lock fails, and the attempt is retried. */
  async limitLockWait(): Promise<void> {
    await this.db.execute(sql`set local lock_timeout = '2s'`);
  }

  async update(id: string, changes: DeliveryChanges): Promise<void> {
    await this.db
      .update(deliveries)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(deliveries.id, id));
  }

  /** The end of one attempt to apply the delivery: counted, with what came of it. */
  async recordAttempt(id: string, changes: DeliveryChanges): Promise<void> {
    await this.db
      .update(deliveries)
      .set({ ...changes, attempts: sql`${deliveries.attempts} + 1`, updatedAt: new Date() })
      .where(eq(deliveries.id, id));
  }

  /** Queued GitHub deliveries of the installation that wait for its link, oldest first; locked. */
  async takeWaiting(installationId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.waitingForLink, true),
          eq(deliveries.installationId, installationId),
          eq(deliveries.status, 'queued'),
        ),
      )
      .orderBy(asc(deliveries.receivedAt), asc(deliveries.id))
      .for('update');
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) {
      await this.db
        .update(deliveries)
        .set({ waitingForLink: false, lastError: null, updatedAt: new Date() })
        .where(inArray(deliveries.id, ids));
    }
    return ids;
  }
}
