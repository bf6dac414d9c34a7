import type { Actor } from '../common/context/actor-context';
import type { WebhookDelivery } from '../db/schema';
import type { WebhookSource } from './delivery-reading';

/** What applying a stored delivery came to. */
export type ApplyOutcome = 'applied' | 'ignored' | 'waiting';

/**
 * A source's way of applying its deliveries (Clerk's, GitHub's). It re-reads the stored body,
 * changes the mirror inside the worker's transaction, and runs as `actor` (the audit log's).
 * 'waiting': a GitHub installation nobody has linked yet.
 */
export interface DeliveryApplier {
  readonly source: WebhookSource;
  readonly actor: Actor;
  apply(delivery: WebhookDelivery): Promise<ApplyOutcome>;
}

/** The stored body no longer fits its schema: failed at once, never retried. */
export class DeliveryRejectedError extends Error {}
