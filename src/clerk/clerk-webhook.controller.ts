import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { WebhookEndpoint } from '../common/auth/webhook-endpoint.decorator';
import { ValidationFailedError } from '../common/errors/domain-error';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { SkipTransaction } from '../common/transaction/skip-transaction.decorator';
import { rawBodyOf } from '../webhooks/raw-body';
import { WebhookDeliveriesService } from '../webhooks/webhook-deliveries.service';
import { WebhookResponseDto } from '../webhooks/webhook-response.dto';
import { readClerkDelivery } from './clerk-events';
import { ClerkWebhookVerifier } from './clerk-webhook.verifier';

@ApiTags('webhooks')
@WebhookEndpoint()
// The inbox opens its own transaction, so it can wake the worker once the delivery is committed.
@SkipTransaction()
@Controller('webhooks/clerk')
export class ClerkWebhookController {
  constructor(
    private readonly verifier: ClerkWebhookVerifier,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  /** Clerk (svix) deliveries: users, organizations and memberships, stored and applied shortly. */
  @Post()
  @HttpCode(200)
  @ApiHeader({ name: 'svix-id', required: true })
  @ApiHeader({ name: 'svix-timestamp', required: true })
  @ApiHeader({ name: 'svix-signature', required: true })
  @ApiErrors('INVALID_SIGNATURE', 'VALIDATION_FAILED', 'WEBHOOK_NOT_CONFIGURED')
  async receive(@Req() request: RawBodyRequest<Request>): Promise<WebhookResponseDto> {
    const body = rawBodyOf(request);
    const deliveryId = this.verifier.verify(body, request.headers);
    if (deliveryId.length > 128) {
      throw new ValidationFailedError([
        { field: 'svix-id', message: 'svix-id must be at most 128 characters' },
      ]);
    }
    const reading = readClerkDelivery(body);
    return {
      status: await this.deliveries.receive({ source: 'clerk', deliveryId, body, reading }),
    };
  }
}
