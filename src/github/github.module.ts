import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WebhookDeliveriesModule } from '../webhooks/webhook-deliveries.module';
import { GithubAppClient } from './github-app.client';
import { GithubEventsService } from './github-events.service';
import { GithubInstallationsController } from './github-installations.controller';
import { GithubInstallationsRepository } from './github-installations.repository';
import { GithubInstallationsService } from './github-installations.service';
import { GithubLinkProofService } from './github-link-proof.service';
import { GithubLinkStatesRepository } from './github-link-states.repository';
import { GithubLinkStatesService } from './github-link-states.service';
import { GithubOAuthClient } from './github-oauth.client';
import { GithubRepositoriesController } from './github-repositories.controller';
import { GithubRepositoriesRepository } from './github-repositories.repository';
import { GithubRepositoriesService } from './github-repositories.service';
import { GithubWebhookController } from './github-webhook.controller';
import { GithubWebhookVerifier } from './github-webhook.verifier';

/** GitHub App installations linked to organizations, their repositories, and GitHub's webhooks. */
@Module({
  imports: [WebhookDeliveriesModule, AuditModule],
  controllers: [
    GithubInstallationsController,
    GithubRepositoriesController,
    GithubWebhookController,
  ],
  providers: [
    GithubInstallationsService,
    GithubInstallationsRepository,
    GithubRepositoriesService,
    GithubRepositoriesRepository,
    GithubEventsService,
    GithubWebhookVerifier,
    GithubAppClient,
    GithubOAuthClient,
    GithubLinkStatesService,
    GithubLinkStatesRepository,
    GithubLinkProofService,
  ],
  exports: [GithubInstallationsService, GithubAppClient],
})
export class GithubModule {}
