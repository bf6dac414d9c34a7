import { Injectable } from '@nestjs/common';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/core';
import { composePaginateRest } from '@octokit/plugin-paginate-rest';
import { AppConfig } from '../common/config/app-config';
import { DomainError } from '../common/errors/domain-error';
import type { RepositoryRef } from './github-repositories.repository';
import { githubRequestDefaults, githubUnavailable } from './github-request';

/**
 * A plain string, not Octokit's typed route: its typings want the id as a number, and a number
 * loses digits past 2^53. Path parameters are expanded as text either way.
 */
const INSTALLATION_TOKEN_ROUTE: string = 'POST /app/installations/{installation_id}/access_tokens';

/** An installation of the App as GitHub lists it. */
export interface AppInstallation {
  id: string;
  suspendedAt: Date | null;
}

const notConfigured = () =>
  new DomainError(
    'GITHUB_APP_NOT_CONFIGURED',
    'Set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY to sync from GitHub',
  );

/**
 * GitHub's REST API as the GitHub App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, at
 * GITHUB_API_URL), every request bounded by GITHUB_TIMEOUT_MS. Without credentials the service
 * relies on webhooks alone.
 */
@Injectable()
export class GithubAppClient {
  private readonly ApiOctokit: typeof Octokit;
  private readonly app?: App;

  constructor(config: AppConfig) {
    this.ApiOctokit = Octokit.defaults(githubRequestDefaults(config.githubApiUrl));
    if (config.githubApp) {
      this.app = new App({
        appId: config.githubApp.appId,
        privateKey: config.githubApp.privateKey,
        Octokit: this.ApiOctokit,
      });
    }
  }

  get configured(): boolean {
    return this.app !== undefined;
  }

  /** Every repository the installation can reach, following GitHub's pagination. */
  async listRepositories(installationId: string): Promise<RepositoryRef[]> {
    if (!this.app) throw notConfigured();
    const token = await this.installationToken(installationId);
    const octokit = new this.ApiOctokit({ auth: token });
    try {
      const refs: RepositoryRef[] = [];
      for await (const { data } of composePaginateRest.iterator(
        octokit,
        'GET /installation/repositories',
        { per_page: 100 },
      )) {
        // Octokit parses ids past 2^53 as BigInt; String() keeps every digit of either.
        for (const repo of data) refs.push({ id: String(repo.id), name: repo.full_name });
      }
      return refs;
    } catch (err) {
      throw githubUnavailable(err, 'repository list', installationId);
    }
  }

  /** Every installation of the App on GitHub now, with its suspension (as the App, paginated). */
  async listInstallations(): Promise<AppInstallation[]> {
    if (!this.app) throw notConfigured();
    try {
      const found: AppInstallation[] = [];
      for await (const { data } of composePaginateRest.iterator(
        this.app.octokit,
        'GET /app/installations',
        { per_page: 100 },
      )) {
        for (const installation of data) {
          found.push({
            id: String(installation.id),
            suspendedAt: installation.suspended_at ? new Date(installation.suspended_at) : null,
          });
        }
      }
      return found;
    } catch (err) {
      throw githubUnavailable(err, 'installation list');
    }
  }

  /** An installation access token, minted with the App's key (a JWT) for this request only. */
  private async installationToken(installationId: string): Promise<string> {
    try {
      const response: { data: { token: string } } = await this.app!.octokit.request(
        INSTALLATION_TOKEN_ROUTE,
        { installation_id: installationId },
      );
      return response.data.token;
    } catch (err) {
      throw githubUnavailable(err, 'installation token', installationId);
    }
  }
}
