import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
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
import { readGithubDelivery } from './github-events';
import { GithubWebhookVerifier } from './github-webhook.verifier';

@ApiTags('webhooks')
@WebhookEndpoint()
// The inbox opens its own transaction, so it can wake the worker once the delivery is committed.
@SkipTransaction()
@Controller('webhooks/github')
export class GithubWebhookController {
  constructor(
    private readonly verifier: GithubWebhookVerifier,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  /** GitHub App deliveries: installations and repositories, stored and applied shortly. */
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
    const body = rawBodyOf(request);
    await this.verifier.verify(body, request.headers['x-hub-signature-256']);
    // Unsigned headers: checked for shape here; the event type is checked against the body.
    const missing = [
      ...(event && /^[a-z_]{1,64}$/.test(event) ? [] : ['X-GitHub-Event']),
      ...(deliveryId && /^[A-Za-z0-9-]{1,128}$/.test(deliveryId) ? [] : ['X-GitHub-Delivery']),
    ];
    if (missing.length > 0) {
      throw new ValidationFailedError(
        missing.map((field) => ({ field, message: `${field} header is required` })),
      );
    }
    const reading = readGithubDelivery(event!, body);
    const status = await this.deliveries.receive({
      source: 'github',
      deliveryId: deliveryId!,
      body,
      reading,
    });
    return { status };
  }
}
