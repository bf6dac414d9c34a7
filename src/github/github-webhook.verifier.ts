import { Injectable } from '@nestjs/common';
import { Webhooks } from '@octokit/webhooks';
import { AppConfig } from '../common/config/app-config';
import { DomainError, ValidationFailedError } from '../common/errors/domain-error';
import type { GithubEventPayload } from './github-events';

/** X-Hub-Signature-256 (HMAC-SHA256 of the raw body) checked with @octokit/webhooks. */
@Injectable()
export class GithubWebhookVerifier {
  private readonly webhooks?: Webhooks;

  constructor(config: AppConfig) {
    if (config.githubWebhookSecret)
      this.webhooks = new Webhooks({ secret: config.githubWebhookSecret });
  }

  async verify(
    rawBody: string,
    signature: string | string[] | undefined,
    event: string | undefined,
    deliveryId: string | undefined,
  ): Promise<GithubEventPayload> {
    if (!this.webhooks) {
      throw new DomainError('WEBHOOK_NOT_CONFIGURED', 'GITHUB_WEBHOOK_SECRET is not set');
    }
    const valid =
      typeof signature === 'string' &&
      (await this.webhooks.verify(rawBody, signature).catch(() => false));
    if (!valid)
      throw new DomainError('INVALID_SIGNATURE', 'The webhook signature is missing or invalid');
    const missing = [
      ...(event && /^[a-z_]{1,64}$/.test(event) ? [] : ['X-GitHub-Event']),
      ...(deliveryId && deliveryId.length <= 128 ? [] : ['X-GitHub-Delivery']),
    ];
    if (missing.length > 0) {
      throw new ValidationFailedError(
        missing.map((field) => ({ field, message: `${field} header is required` })),
      );
    }
    return JSON.parse(rawBody) as GithubEventPayload;
  }
}
