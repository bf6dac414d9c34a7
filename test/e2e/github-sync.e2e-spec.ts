import { eq } from 'drizzle-orm';
import { auditEvents, githubInstallationRepositories, User } from '../../src/db/schema';
import { makeTeam, makeUser } from '../support/factories';
import { GithubApiStub } from '../support/github-api-stub';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('repository sync through the GitHub App', () => {
  const stub = new GithubApiStub();
  let t: TestApp;
  let platformAdmin: User;

  beforeAll(async () => {
    const apiUrl = await stub.start();
    t = await createTestApp({
      env: {
        GITHUB_APP_ID: stub.app.appId,
        GITHUB_APP_PRIVATE_KEY: stub.app.privateKey,
        GITHUB_API_URL: apiUrl,
      },
    });
    platformAdmin = await makeUser(t.db, { isAdmin: true });
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
    const added = { id: 59_999, fullName: 'acme/added' };
    stub.install(installationId, many);

    const link = await as(t, platformAdmin.id)
      .post(`/organizations/${org.id}/github/installations`)
      .send({ installationId });
    expect(link.status).toBe(201);
    expect(stub.requests).toContain(`POST /app/installations/${installationId}/access_tokens`);
    expect(await names(org.id, admin.id)).toHaveLength(120);

    // On GitHub, one repository was removed and one renamed; a sync brings both over.
    stub.install(installationId, [
      { ...many[0], fullName: 'acme/renamed' },
      ...many.slice(2),
      added,
    ]);
    const sync = await as(t, admin.id).post(
      `/organizations/${org.id}/github/installations/${installationId}/sync`,
    );
    expect(sync.status).toBe(200);
    const current = await names(org.id, admin.id);
    expect(current).toHaveLength(120);
    expect(current).toEqual(expect.arrayContaining(['acme/renamed', 'acme/added']));
    const [removed] = await t.db
      .select()
      .from(githubInstallationRepositories)
      .where(eq(githubInstallationRepositories.id, String(many[1].id)));
    expect(removed.deleted).toBe(true);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.organizationId, org.id))
      .orderBy(auditEvents.seq);
    expect(events.map((e) => [e.action, e.actorId, e.data])).toEqual([
      ['installation.linked', platformAdmin.id, { proof: 'platformAdmin' }],
      ['installation.synced', platformAdmin.id, { added: 120, removed: 0 }],
      ['installation.synced', admin.id, { added: 1, removed: 1 }],
    ]);
  });

  it('answers 502 GITHUB_UNAVAILABLE and changes nothing when GitHub fails', async () => {
    const { org, admin } = await makeTeam(t.db);
    stub.install(4343, [{ id: 60_001, fullName: 'acme/x' }]);
    await as(t, platformAdmin.id)
      .post(`/organizations/${org.id}/github/installations`)
      .send({ installationId: 4343 });
    stub.install(4343, []);
    stub.failWith = 500;
    try {
      const res = await as(t, admin.id).post(
        `/organizations/${org.id}/github/installations/4343/sync`,
      );
      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        error: 'GITHUB_UNAVAILABLE',
        message: 'GitHub call failed: installation token (GitHub answered 500)',
      });
    } finally {
      stub.failWith = undefined;
    }
    expect(await names(org.id, admin.id)).toEqual(['acme/x']);
  });
});
