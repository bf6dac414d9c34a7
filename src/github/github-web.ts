import { Octokit } from '@octokit/core';
import { getWebFlowAuthorizationUrl } from '@octokit/oauth-methods';

/**
 * GitHub's web origin for an API base URL, as @octokit/oauth-methods derives the host of its
 * OAuth code exchange: api.github.com → github.com, api.<x>.ghe.com → <x>.ghe.com, any other
 * base minus `/api/v3` (GitHub Enterprise Server).
 */
export function githubWebUrl(apiUrl: string): string {
  const { url } = getWebFlowAuthorizationUrl({
    clientType: 'github-app',
    clientId: 'unused',
    request: new Octokit({ baseUrl: apiUrl }).request,
  });
  return url.slice(0, url.indexOf('/login/oauth/authorize'));
}

/**
 * The page where a user installs (or re-configures) the App; GitHub carries `state` through to
 * the App's setup URL. Enterprise Server serves Apps under /github-apps, GitHub.com under /apps.
 */
export function appInstallPageUrl(apiUrl: string, slug: string, state: string): string {
  const apps = /\/api\/v3\/?$/.test(apiUrl) ? 'github-apps' : 'apps';
  const url = new URL(`${githubWebUrl(apiUrl)}/${apps}/${slug}/installations/new`);
  url.searchParams.set('state', state);
  return url.toString();
}
