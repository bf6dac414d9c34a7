import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import { Public } from '../common/auth/public.decorator';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { rawBodyOf } from '../webhooks/raw-body';
import { WebhookInboxService } from '../webhooks/webhook-inbox.service';
import { WebhookResponseDto } from '../webhooks/webhook-response.dto';
import { GithubEventsService } from './github-events.service';
import { GithubWebhookVerifier } from './github-webhook.verifier';

@ApiTags('webhooks')
@Public()
// GitHub delivers from a few addresses; the signature, not a rate limit, keeps others out.
@SkipThrottle()
@Controller('webhooks/github')
export class GithubWebhookController {
  constructor(
    private readonly verifier: GithubWebhookVerifier,
    private readonly inbox: WebhookInboxService,
    private readonly events: GithubEventsService,
  ) {}

  /** GitHub App deliveries: installations and repositories of linked organizations. */
  @Post()
  @HttpCode(200)
  @ApiHeader({ name: 'X-GitHub-Event', required: true })
  @ApiHeader({ name: 'X-GitHub-Delivery', required: true })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true })
  @ApiErrors('INVALID_SIGNATURE', 'VALIDATION_FAILED', 'WEBHOOK_NOT_CONFIGURED')
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers('x-github-event') event: string | undefined,
    @Headers('x-github-delivery') deliveryId: string | undefined,
  ): Promise<WebhookResponseDto> {
    const payload = await this.verifier.verify(
      rawBodyOf(request),
      request.headers['x-hub-signature-256'],
      event,
      deliveryId,
    );
    const status = await this.inbox.receive(
      {
        source: 'github',
        deliveryId: deliveryId!,
        event: event!,
        action: payload.action ?? null,
        installationId: payload.installation ? String(payload.installation.id) : null,
        payload,
      },
      () => this.events.apply(event!, payload),
    );
    return { status };
  }
}
