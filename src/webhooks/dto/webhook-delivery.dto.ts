import { IsIn, IsString, MaxLength } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { PageOf } from '../../common/pagination/page.dto';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import type { WebhookDelivery } from '../../db/schema';
import { WEBHOOK_SOURCES, type WebhookSource } from '../delivery-reading';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../webhook-deliveries.repository';

export class WebhookDeliveryResponseDto {
  id!: string;
  source!: WebhookSource;
  /** The sender's id: svix-id for Clerk, X-GitHub-Delivery for GitHub. */
  deliveryId!: string;
  /** Clerk's event type (user.created) or GitHub's event and action (installation.deleted). */
  event!: string;
  /** queued (waiting or being applied), applied, failed, ignored (not used here), duplicate. */
  status!: DeliveryStatus;
  /** Attempts to apply it so far. */
  attempts!: number;
  /** Why the last attempt did not apply it (one line), or null. */
  lastError!: string | null;
  receivedAt!: Date;
  appliedAt!: Date | null;
  /** When a retry is due at the earliest; null when none is scheduled. */
  nextAttemptAt!: Date | null;

  static from(delivery: WebhookDelivery): WebhookDeliveryResponseDto {
    return {
      id: delivery.id,
      source: delivery.source as WebhookSource,
      deliveryId: delivery.deliveryId,
      event: delivery.event,
      status: delivery.status as DeliveryStatus,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
      receivedAt: delivery.receivedAt,
      appliedAt: delivery.appliedAt,
      nextAttemptAt: delivery.nextAttemptAt,
    };
  }
}

export class WebhookDeliveryPageDto extends PageOf(WebhookDeliveryResponseDto) {}

export class ListWebhookDeliveriesQueryDto extends PaginationQueryDto {
  @OptionalField()
  @IsIn(WEBHOOK_SOURCES)
  source?: WebhookSource;

  @OptionalField()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  /** The sender's delivery id. */
  @OptionalField()
  @IsString()
  @MaxLength(128)
  deliveryId?: string;
}
