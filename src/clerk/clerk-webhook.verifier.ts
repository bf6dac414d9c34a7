import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'svix';
import { AppConfig } from '../common/config/app-config';
import { DomainError } from '../common/errors/domain-error';

/**
 * svix signatures over the raw body, with svix's five-minute timestamp tolerance (so a captured
 * delivery cannot be replayed later). Any of the configured secrets verifies (rotation).
 */
@Injectable()
export class ClerkWebhookVerifier {
  private readonly webhooks: Webhook[];

  constructor(config: AppConfig) {
    this.webhooks = config.clerkWebhookSigningSecrets.map((secret) => new Webhook(secret));
  }

  /** The svix message id of a correctly signed delivery; INVALID_SIGNATURE otherwise. */
  verify(rawBody: string, headers: IncomingHttpHeaders): string {
    if (this.webhooks.length === 0) {
      throw new DomainError('WEBHOOK_NOT_CONFIGURED', 'CLERK_WEBHOOK_SIGNING_SECRET is not set');
    }
    const header = (name: string) => {
      const value = headers[name];
      return typeof value === 'string' ? value : '';
    };
    const svixHeaders = {
      'svix-id': header('svix-id'),
      'svix-timestamp': header('svix-timestamp'),
      'svix-signature': header('svix-signature'),
    };
    if (!this.webhooks.some((webhook) => signedBy(webhook, rawBody, svixHeaders))) {
      throw new DomainError('INVALID_SIGNATURE', 'The webhook signature is missing or invalid');
    }
    return svixHeaders['svix-id'];
  }
}

/**
 * svix parses the body as JSON once the signature holds: a SyntaxError means signed, not JSON
 * (the body's schema check rejects it afterwards).
 */
function signedBy(webhook: Webhook, body: string, headers: Record<string, string>): boolean {
  try {
    webhook.verify(body, headers);
    return true;
  } catch (err) {
    return err instanceof SyntaxError;
  }
}
