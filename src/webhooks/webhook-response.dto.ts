import type { DeliveryStatus } from './webhook-inbox.service';

export class WebhookResponseDto {
  /** applied, ignored (an event this service does not use), duplicate (seen before), pending. */
  status!: DeliveryStatus;
}
