import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { WebhookDeliveriesModule } from '../webhooks/webhook-deliveries.module';
import { ClerkApiClient } from './clerk-api.client';
import { ClerkSyncService } from './clerk-sync.service';
import { ClerkWebhookController } from './clerk-webhook.controller';
import { ClerkWebhookVerifier } from './clerk-webhook.verifier';

/** POST /webhooks/clerk: Clerk's users, organizations and memberships mirrored here. */
@Module({
  imports: [UsersModule, OrganizationsModule, MembershipsModule, WebhookDeliveriesModule],
  controllers: [ClerkWebhookController],
  providers: [ClerkSyncService, ClerkWebhookVerifier, ClerkApiClient],
  exports: [ClerkApiClient],
})
export class ClerkModule {}
