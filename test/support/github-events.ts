import examples from '@octokit/webhooks-examples';
import { Webhooks } from '@octokit/webhooks';
import { randomUUID } from 'node:crypto';

export const GITHUB_SECRET = 'github-test-webhook-secret';
const signer = new Webhooks({ secret: GITHUB_SECRET });

export interface Repo {
  id: number;
  fullName: string;
}

/** A real example payload from @octokit/webhooks-examples, deep-copied for editing. */
function example(event: string, action: string): Record<string, unknown> {
  const group = examples.find((e) => e.name === event);
  const found =
    (group?.examples as Record<string, unknown>[] | undefined)?.find((e) => e.action === action) ??
    (group?.examples as Record<string, unknown>[] | undefined)?.[0];
  if (!found) throw new Error(`no example for ${event}`);
  return structuredClone(found);
}

const repoShape = (repo: Repo) => ({
  id: repo.id,
  node_id: `R_${repo.id}`,
  name: repo.fullName.split('/')[1],
  full_name: repo.fullName,
  private: false,
});

function withInstallation(payload: Record<string, unknown>, installationId: number) {
  payload.installation = { ...(payload.installation ?? {}), id: installationId };
  return payload;
}

export const github = {
  installation(
    action: 'created' | 'deleted' | 'suspend' | 'unsuspend',
    installationId: number,
    repos: Repo[] = [],
  ) {
    const payload = withInstallation(example('installation', action), installationId);
    payload.action = action;
    if (action === 'created') payload.repositories = repos.map(repoShape);
    return { event: 'installation', payload };
  },
  repositoriesAdded(installationId: number, repos: Repo[]) {
    const payload = withInstallation(example('installation_repositories', 'added'), installationId);
    Object.assign(payload, { repositories_added: repos.map(repoShape), repositories_removed: [] });
    return { event: 'installation_repositories', payload };
  },
  repositoriesRemoved(installationId: number, repos: Repo[]) {
    const payload = withInstallation(
      example('installation_repositories', 'removed'),
      installationId,
    );
    Object.assign(payload, { repositories_added: [], repositories_removed: repos.map(repoShape) });
    return { event: 'installation_repositories', payload };
  },
  repository(action: 'renamed' | 'deleted' | 'transferred', installationId: number, repo: Repo) {
    const payload = withInstallation(example('repository', action), installationId);
    payload.action = action;
    payload.repository = { ...(payload.repository as object), ...repoShape(repo) };
    return { event: 'repository', payload };
  },
};

/** Headers GitHub sends with a delivery, signed with the test secret unless told otherwise. */
export async function signGithub(
  event: string,
  body: string,
  options: { deliveryId?: string; secret?: string } = {},
): Promise<Record<string, string>> {
  const sign = options.secret ? new Webhooks({ secret: options.secret }) : signer;
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.deliveryId ?? randomUUID(),
    'x-hub-signature-256': await sign.sign(body),
  };
}
