import { Injectable } from '@nestjs/common';
import { Octokit } from '@octokit/core';
import { exchangeWebFlowCode } from '@octokit/oauth-methods';
import { composePaginateRest } from '@octokit/plugin-paginate-rest';
import { AppConfig } from '../common/config/app-config';
import {
  githubAnswerStatus,
  githubRequestDefaults,
  githubUnavailable,
  oauthErrorOf,
} from './github-request';

/** A user with more installations than this is not searched further (a bound on one request). */
const MAX_USER_INSTALLATION_PAGES = 50;

/**
 * GitHub on behalf of a GitHub user, through the App's OAuth credentials
 * (GITHUB_APP_CLIENT_ID / GITHUB_APP_CLIENT_SECRET): which installations can this user reach?
 * The code exchange goes to the web host @octokit/oauth-methods derives from GITHUB_API_URL.
 */
@Injectable()
export class GithubOAuthClient {
  private readonly ApiOctokit: typeof Octokit;
  private readonly credentials?: { clientId: string; clientSecret: string };

  constructor(config: AppConfig) {
    this.ApiOctokit = Octokit.defaults(githubRequestDefaults(config.githubApiUrl));
    this.credentials = config.githubOAuth;
  }

  get configured(): boolean {
    return this.credentials !== undefined;
  }

  /**
   * The user access token for a code from GitHub's install flow; undefined when GitHub refuses
   * the code (wrong, expired, already used). GitHub failures are 502 GITHUB_UNAVAILABLE.
   */
  async exchangeCode(code: string): Promise<string | undefined> {
    if (!this.credentials) throw new Error('GitHub OAuth credentials are not configured');
    try {
      const { authentication } = await exchangeWebFlowCode({
        clientType: 'github-app',
        ...this.credentials,
        code,
        request: new this.ApiOctokit().request,
      });
      return authentication.token;
    } catch (err) {
      // GitHub answers a refused code with 200 and an `error` field; Octokit raises it as a 400.
      if (oauthErrorOf(err) === 'bad_verification_code') return undefined;
      throw githubUnavailable(err, 'OAuth code exchange');
    }
  }

  /** Whether the installation is among the user's (GET /user/installations, page by page). */
  async userCanAccess(userToken: string, installationId: string): Promise<boolean> {
    const octokit = new this.ApiOctokit({ auth: userToken });
    try {
      let pages = 0;
      for await (const { data } of composePaginateRest.iterator(
        octokit,
        'GET /user/installations',
        { per_page: 100 },
      )) {
        // Ids may exceed 2^53: Octokit parses them as BigInt then, and String() keeps every digit.
        if (data.some((installation) => String(installation.id) === installationId)) return true;
        if (++pages >= MAX_USER_INSTALLATION_PAGES) return false;
      }
      return false;
    } catch (err) {
      if (githubAnswerStatus(err) === 401) return false;
      throw githubUnavailable(err, 'list of the user’s installations');
    }
  }
}
