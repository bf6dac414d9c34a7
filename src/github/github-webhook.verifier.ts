import { Injectable } from '@nestjs/common';
import { Webhooks } from '@octokit/webhooks';
import { AppConfig } from '../common/config/app-config';
import { DomainError } from '../common/errors/domain-error';

/**
 * X-Hub-Signature-256 (HMAC-SHA256 of the raw body) checked with @octokit/webhooks. Any of the
 * configured secrets verifies (rotation).
 */
@Injectable()
export class GithubWebhookVerifier {
  private readonly webhooks?: Webhooks;

  constructor(config: AppConfig) {
    const [secret, ...additionalSecrets] = config.githubWebhookSecrets;
    if (secret) this.webhooks = new Webhooks({ secret, additionalSecrets });
  }

  /** Resolves when one of the secrets signed this body; INVALID_SIGNATURE otherwise. */
  async verify(rawBody: string, signature: string | string[] | undefined): Promise<void> {
    if (!this.webhooks) {
      throw new DomainError('WEBHOOK_NOT_CONFIGURED', 'GITHUB_WEBHOOK_SECRET is not set');
    }
    const valid =
      typeof signature === 'string' &&
      (await this.webhooks.verify(rawBody, signature).catch(() => false));
    if (!valid) {
      throw new DomainError('INVALID_SIGNATURE', 'The webhook signature is missing or invalid');
    }
  }
}
