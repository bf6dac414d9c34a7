import { generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { githubInstallationRepositories } from '../../src/db/schema';
import { makeTeam } from '../support/factories';
import { GithubApiStub } from '../support/github-api-stub';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('repository sync through the GitHub App', () => {
  const stub = new GithubApiStub();
  let t: TestApp;

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const apiUrl = await stub.start();
    t = await createTestApp({
      env: { GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY: privateKey, GITHUB_API_URL: apiUrl },
    });
  });
  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  /** Every repository name the API lists for the organization, page after page. */
  async function names(orgId: string, userId: string): Promise<string[]> {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(t, userId).get(
        `/organizations/${orgId}/github/repositories?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...res.body.data.map((r: { name: string }) => r.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    return all.sort();
  }

  it('fetches every page of repositories when linking, and syncs changes later', async () => {
    const { org, admin } = await makeTeam(t.db);
    const installationId = 4242;
    const many = Array.from({ length: 120 }, (_, i) => ({
      id: 50_000 + i,
      fullName: `acme/repo-${String(i).padStart(3, '0')}`,
    }));
    stub.repositories.set(installationId, many);

    const link = await as(t, admin.id)
      .post(`/organizations/${org.id}/github/installations`)
      .send({ installationId });
    expect(link.status).toBe(201);
    expect(stub.requests).toContain(`POST /app/installations/${installationId}/access_tokens`);
    expect(await names(org.id, admin.id)).toHaveLength(120);

    // On GitHub, one repository was removed and one renamed; a sync brings both over.
    stub.repositories.set(installationId, [
      { ...many[0], fullName: 'acme/renamed' },
      ...many.slice(2),
    ]);
    const sync = await as(t, admin.id).post(
      `/organizations/${org.id}/github/installations/${installationId}/sync`,
    );
    expect(sync.status).toBe(200);
    const current = await names(org.id, admin.id);
    expect(current).toHaveLength(119);
    expect(current).toContain('acme/renamed');
    const [removed] = await t.db
      .select()
      .from(githubInstallationRepositories)
      .where(eq(githubInstallationRepositories.id, String(many[1].id)));
    expect(removed.deleted).toBe(true);
  });

  it('answers 502 GITHUB_UNAVAILABLE and changes nothing when GitHub fails', async () => {
    const { org, admin } = await makeTeam(t.db);
    stub.repositories.set(4343, [{ id: 60_001, fullName: 'acme/x' }]);
    await as(t, admin.id)
      .post(`/organizations/${org.id}/github/installations`)
      .send({ installationId: 4343 });
    stub.repositories.set(4343, []);
    stub.failWith = 500;
    try {
      const res = await as(t, admin.id).post(
        `/organizations/${org.id}/github/installations/4343/sync`,
      );
      expect(res.status).toBe(502);
      expect(res.body.error).toBe('GITHUB_UNAVAILABLE');
    } finally {
      stub.failWith = undefined;
    }
    expect(await names(org.id, admin.id)).toEqual(['acme/x']);
  });
});
