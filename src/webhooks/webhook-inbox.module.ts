import { Module } from '@nestjs/common';
import { WebhookInboxRepository } from './webhook-inbox.repository';
import { WebhookInboxService } from './webhook-inbox.service';

/** The shared inbox; webhook modules (Clerk, GitHub) import it. */
@Module({
  providers: [WebhookInboxService, WebhookInboxRepository],
  exports: [WebhookInboxService],
})
export class WebhookInboxModule {}
