/** The parts of GitHub's webhook payloads this service reads (full shapes: @octokit/webhooks-types). */
export interface GithubRepositoryPayload {
  id: number;
  full_name: string;
}

export interface GithubEventPayload {
  action?: string;
  installation?: { id: number };
  repositories?: GithubRepositoryPayload[];
  repositories_added?: GithubRepositoryPayload[];
  repositories_removed?: GithubRepositoryPayload[];
  repository?: GithubRepositoryPayload;
}

export const toRef = (repo: GithubRepositoryPayload) => ({
  id: String(repo.id),
  name: repo.full_name,
});
