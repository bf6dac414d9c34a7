import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import { Public } from '../common/auth/public.decorator';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { rawBodyOf } from '../webhooks/raw-body';
import { WebhookInboxService } from '../webhooks/webhook-inbox.service';
import { WebhookResponseDto } from '../webhooks/webhook-response.dto';
import { ClerkWebhookVerifier } from './clerk-webhook.verifier';
import { ClerkSyncService } from './clerk-sync.service';

@ApiTags('webhooks')
@Public()
// Clerk retries from a few addresses; the signature, not a rate limit, keeps others out.
@SkipThrottle()
@Controller('webhooks/clerk')
export class ClerkWebhookController {
  constructor(
    private readonly verifier: ClerkWebhookVerifier,
    private readonly inbox: WebhookInboxService,
    private readonly sync: ClerkSyncService,
  ) {}

  /** Clerk (svix) deliveries: users, organizations and memberships, mirrored here. */
  @Post()
  @HttpCode(200)
  @ApiHeader({ name: 'svix-id', required: true })
  @ApiHeader({ name: 'svix-timestamp', required: true })
  @ApiHeader({ name: 'svix-signature', required: true })
  @ApiErrors('INVALID_SIGNATURE', 'WEBHOOK_NOT_CONFIGURED')
  async receive(@Req() request: RawBodyRequest<Request>): Promise<WebhookResponseDto> {
    const event = this.verifier.verify(rawBodyOf(request), request.headers);
    const status = await this.inbox.receive(
      {
        source: 'clerk',
        deliveryId: String(request.headers['svix-id']),
        event: event.type,
        payload: event,
      },
      () => this.sync.apply(event),
    );
    return { status };
  }
}
