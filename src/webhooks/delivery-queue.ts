import type { WebhookSource } from './delivery-reading';

/** The job engine's queue of deliveries to apply, and where a job goes once it gives up. */
export const DELIVERY_QUEUE = 'webhook-delivery';
export const DELIVERY_DEAD_LETTER_QUEUE = 'webhook-delivery-dead';

/** Deliveries of one source, applied one after the other in this order. */
export interface DeliveryJob {
  source: WebhookSource;
  deliveryIds: string[];
}
