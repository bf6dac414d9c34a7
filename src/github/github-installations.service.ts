import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { GithubInstallation } from '../db/schema';
import { WebhookDeliveriesService } from '../webhooks/webhook-deliveries.service';
import { GithubAppClient } from './github-app.client';
import { GithubInstallationsRepository } from './github-installations.repository';
import { GithubRepositoriesRepository } from './github-repositories.repository';

export interface LinkResult {
  installation: GithubInstallation;
  /** False when the organization already held it (the call changed nothing). */
  created: boolean;
}

@Injectable()
export class GithubInstallationsService {
  constructor(
    private readonly installations: GithubInstallationsRepository,
    private readonly repositories: GithubRepositoriesRepository,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly github: GithubAppClient,
  ) {}

  list(organizationId: string, request: PageRequest): Promise<Page<GithubInstallation>> {
    return this.installations.list(organizationId, request);
  }

  /**
   * Links an installation nobody holds (new, or unlinked before), then catches up: repositories
   * an earlier unlink took away come back, webhook deliveries that waited for the link are
   * queued in order, and with GitHub App credentials the repository list is synced.
   */
  async link(organizationId: string, installationId: string): Promise<LinkResult> {
    const before = await this.installations.find(installationId);
    const linked = await this.installations.link(installationId, organizationId);
    if (!linked) {
      const holder = await this.installations.findLinked(installationId);
      if (holder?.organizationId === organizationId)
        return { installation: holder, created: false };
      throw new DomainError(
        'INSTALLATION_LINKED_ELSEWHERE',
        'This installation is linked to another organization',
      );
    }
    if (before?.deletedAt) {
      await this.installations.restoreRepositoriesUnlinkedAt(installationId, before.deletedAt);
    }
    await this.deliveries.queueWaitingFor(installationId);
    if (this.github.configured) await this.syncRepositories(installationId);
    return {
      installation: (await this.installations.findLinked(installationId)) ?? linked,
      created: true,
    };
  }

  async unlink(organizationId: string, installationId: string): Promise<void> {
    await this.findInOrganization(organizationId, installationId);
    await this.installations.unlink(installationId);
  }

  async sync(organizationId: string, installationId: string): Promise<GithubInstallation> {
    const installation = await this.findInOrganization(organizationId, installationId);
    await this.syncRepositories(installationId);
    return installation;
  }

  private async syncRepositories(installationId: string): Promise<void> {
    const refs = await this.github.listRepositories(installationId);
    await this.repositories.upsert(installationId, refs);
    await this.repositories.removeAllExcept(
      installationId,
      refs.map((ref) => ref.id),
    );
  }

  private async findInOrganization(
    organizationId: string,
    installationId: string,
  ): Promise<GithubInstallation> {
    const installation = await this.installations.findLinked(installationId);
    if (!installation || installation.organizationId !== organizationId) {
      throw new NotFoundError('INSTALLATION');
    }
    return installation;
  }
}
