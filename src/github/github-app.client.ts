import { Injectable, Logger } from '@nestjs/common';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/core';
import { AppConfig } from '../common/config/app-config';
import { DomainError } from '../common/errors/domain-error';
import type { RepositoryRef } from './github-repositories.repository';

/**
 * GitHub's REST API as the GitHub App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, at
 * GITHUB_API_URL). Without them the service relies on webhooks alone.
 */
@Injectable()
export class GithubAppClient {
  private readonly logger = new Logger(GithubAppClient.name);
  private readonly app?: App;

  constructor(config: AppConfig) {
    if (config.githubApp) {
      this.app = new App({
        appId: config.githubApp.appId,
        privateKey: config.githubApp.privateKey,
        Octokit: Octokit.defaults({ baseUrl: config.githubApp.apiUrl }),
      });
    }
  }

  get configured(): boolean {
    return this.app !== undefined;
  }

  /** Every repository the installation can reach, following GitHub's pagination. */
  async listRepositories(installationId: string): Promise<RepositoryRef[]> {
    if (!this.app) {
      throw new DomainError(
        'GITHUB_APP_NOT_CONFIGURED',
        'Set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY to sync from GitHub',
      );
    }
    try {
      const refs: RepositoryRef[] = [];
      for await (const { repository } of this.app.eachRepository.iterator({
        installationId: Number(installationId),
      })) {
        refs.push({ id: String(repository.id), name: repository.full_name });
      }
      return refs;
    } catch (err) {
      const status = (err as { status?: number }).status;
      this.logger.warn({ msg: 'GitHub sync failed', installationId, status });
      throw new DomainError('GITHUB_UNAVAILABLE', 'GitHub did not answer the sync request');
    }
  }
}
