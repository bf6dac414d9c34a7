import type { ReceiptStatus } from './webhook-deliveries.service';

export class WebhookResponseDto {
  /**
   * queued (stored, applied shortly), duplicate (seen before), ignored (an event this service
   * does not use) or rejected (signed, but not fitting its event type's schema; never applied).
   */
  status!: ReceiptStatus;
}
