import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'svix';
import { AppConfig } from '../common/config/app-config';
import { DomainError } from '../common/errors/domain-error';
import type { ClerkEvent } from './clerk-events';

/**
 * svix signatures over the raw body, with svix's five-minute timestamp tolerance (so a captured
 * delivery cannot be replayed later).
 */
@Injectable()
export class ClerkWebhookVerifier {
  private readonly webhook?: Webhook;

  constructor(config: AppConfig) {
    if (config.clerkWebhookSigningSecret)
      this.webhook = new Webhook(config.clerkWebhookSigningSecret);
  }

  verify(rawBody: string, headers: IncomingHttpHeaders): ClerkEvent {
    if (!this.webhook) {
      throw new DomainError('WEBHOOK_NOT_CONFIGURED', 'CLERK_WEBHOOK_SIGNING_SECRET is not set');
    }
    const header = (name: string) => {
      const value = headers[name];
      return typeof value === 'string' ? value : '';
    };
    try {
      return this.webhook.verify(rawBody, {
        'svix-id': header('svix-id'),
        'svix-timestamp': header('svix-timestamp'),
        'svix-signature': header('svix-signature'),
      }) as ClerkEvent;
    } catch {
      throw new DomainError('INVALID_SIGNATURE', 'The webhook signature is missing or invalid');
    }
  }
}
