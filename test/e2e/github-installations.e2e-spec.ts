import { eq } from 'drizzle-orm';
import {
  auditEvents,
  githubInstallationRepositories,
  githubInstallations,
  User,
} from '../../src/db/schema';
import { makeTeam, makeUser } from '../support/factories';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('GitHub installations and repositories', () => {
  let t: TestApp;
  let platformAdmin: User;
  let nextId = 7_000_000;
  const newId = () => nextId++;

  beforeAll(async () => {
    t = await createTestApp();
    platformAdmin = await makeUser(t.db, { isAdmin: true });
  });
  afterAll(() => t.close());

  const installationRow = async (id: string) =>
    (await t.db.select().from(githubInstallations).where(eq(githubInstallations.id, id)))[0];
  const repoRows = (installationId: string) =>
    t.db
      .select()
      .from(githubInstallationRepositories)
      .where(eq(githubInstallationRepositories.installationId, installationId));
  /** Linked by a platform admin: no GitHub in this file, so no org admin can prove control. */
  const link = (orgId: string, installationId: string | number) =>
    as(t, platformAdmin.id)
      .post(`/organizations/${orgId}/github/installations`)
      .send({ installationId });
  async function seedRepos(installationId: string, names: string[]) {
    for (const name of names) {
      await t.db
        .insert(githubInstallationRepositories)
        .values({ id: String(newId()), installationId, name });
    }
  }

  describe('linking', () => {
    it('links an installation (platform admin by id, 201), as a string or a number, and lists it', async () => {
      const { org, member } = await makeTeam(t.db);
      const id = newId();
      const res = await link(org.id, id);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: String(id), organizationId: org.id, suspended: false });
      const again = await link(org.id, String(id));
      expect(again.status).toBe(200);
      const list = await as(t, member.id).get(`/organizations/${org.id}/github/installations`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({
        data: [expect.objectContaining({ id: String(id) })],
        nextCursor: null,
      });
      const [event] = await t.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.organizationId, org.id))
        .orderBy(auditEvents.seq);
      expect(event).toMatchObject({
        action: 'installation.linked',
        actorId: platformAdmin.id,
        targetId: String(id),
        data: { proof: 'platformAdmin' },
      });
    });

    it('refuses an org admin without proof (403 INSTALLATION_NOT_VERIFIED), links nothing, records nothing', async () => {
      const { org, admin } = await makeTeam(t.db);
      const id = String(newId());
      const url = `/organizations/${org.id}/github/installations`;
      for (const [body, reason] of [
        [{ installationId: id }, /no code and state/],
        [{ installationId: id, code: 'abc' }, /no state/],
        [{ installationId: id, state: 'made-up', code: 'abc' }, /unknown or already used/],
      ] as const) {
        const res = await as(t, admin.id).post(url).send(body);
        expect(res.status).toBe(403);
        expect(res.body.error).toBe('INSTALLATION_NOT_VERIFIED');
        expect(res.body.message).toMatch(reason);
      }
      expect(await installationRow(id)).toBeUndefined();
      expect(
        await t.db
          .select()
          .from(auditEvents)
          .where(eq(auditEvents.organizationId, org.id))
          .orderBy(auditEvents.seq),
      ).toEqual([]);
    });

    it('answers 503 GITHUB_NOT_CONFIGURED for the install URL without GITHUB_APP_SLUG', async () => {
      const { org, admin } = await makeTeam(t.db);
      const res = await as(t, admin.id).get(`/organizations/${org.id}/github/install-url`);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('GITHUB_NOT_CONFIGURED');
    });

    it('refuses members (403), bad ids (400), and installations held elsewhere (409)', async () => {
      const a = await makeTeam(t.db);
      const b = await makeTeam(t.db);
      const id = String(newId());
      const url = (orgId: string) => `/organizations/${orgId}/github/installations`;
      expect(
        (await as(t, a.member.id).post(url(a.org.id)).send({ installationId: id })).status,
      ).toBe(403);
      for (const body of [
        ...['abc', '-5', '0', '1'.repeat(21), 1.5, null, 2 ** 53 + 2].map((installationId) => ({
          installationId,
        })),
        { installationId: id, code: 'x'.repeat(257), state: 's' },
        { installationId: id, code: 5, state: 's' },
        { installationId: id, code: null, state: null },
        { installationId: id, code: 'c', state: null },
      ]) {
        const res = await as(t, a.admin.id).post(url(a.org.id)).send(body);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('VALIDATION_FAILED');
      }
      expect((await link(a.org.id, id)).status).toBe(201);
      const taken = await link(b.org.id, id);
      expect(taken.status).toBe(409);
      expect(taken.body.error).toBe('INSTALLATION_LINKED_ELSEWHERE');
      expect((await installationRow(id)).organizationId).toBe(a.org.id);
    });

    it('of two organizations linking one installation at once, exactly one wins', async () => {
      const a = await makeTeam(t.db);
      const b = await makeTeam(t.db);
      const id = String(newId());
      const results = await Promise.all([a, b].map((team) => link(team.org.id, id)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it('unlinks with its repositories (soft delete, audited); a relink brings them back to the same organization only', async () => {
      const a = await makeTeam(t.db);
      const b = await makeTeam(t.db);
      const id = String(newId());
      await link(a.org.id, id);
      await seedRepos(id, ['acme/api', 'acme/web']);
      const unlink = await as(t, a.admin.id).delete(
        `/organizations/${a.org.id}/github/installations/${id}`,
      );
      expect(unlink.status).toBe(204);
      expect(await installationRow(id)).toMatchObject({
        deleted: true,
        deletedAt: expect.any(Date),
      });
      expect((await repoRows(id)).every((r) => r.deleted && r.deletedAt)).toBe(true);
      expect(
        (await as(t, a.member.id).get(`/organizations/${a.org.id}/github/repositories`)).body.data,
      ).toEqual([]);
      expect(
        (await as(t, a.admin.id).delete(`/organizations/${a.org.id}/github/installations/${id}`))
          .status,
      ).toBe(404);
      const events = await t.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.organizationId, a.org.id))
        .orderBy(auditEvents.seq);
      expect(events.map((e) => [e.action, e.actorId])).toEqual([
        ['installation.linked', platformAdmin.id],
        ['installation.unlinked', a.admin.id],
      ]);
      const names = async (team: typeof a) =>
        (
          await as(t, team.member.id).get(`/organizations/${team.org.id}/github/repositories`)
        ).body.data
          .map((r: { name: string }) => r.name)
          .sort();

      // Another organization linking it starts empty: the earlier holder's rows stay its own.
      expect((await link(b.org.id, id)).status).toBe(201);
      expect(await installationRow(id)).toMatchObject({ organizationId: b.org.id, deleted: false });
      expect(await names(b)).toEqual([]);

      // The organization that unlinked gets back what its unlink took away.
      await as(t, b.admin.id).delete(`/organizations/${b.org.id}/github/installations/${id}`);
      const c = await makeTeam(t.db);
      const own = String(newId());
      await link(c.org.id, own);
      await seedRepos(own, ['acme/one']);
      await as(t, c.admin.id).delete(`/organizations/${c.org.id}/github/installations/${own}`);
      expect((await link(c.org.id, own)).status).toBe(201);
      expect(await names(c)).toEqual(['acme/one']);
    });

    it("answers 404 INSTALLATION_NOT_FOUND for another organization's installation and malformed ids", async () => {
      const a = await makeTeam(t.db);
      const b = await makeTeam(t.db);
      const id = String(newId());
      await link(a.org.id, id);
      const res = await as(t, b.admin.id).delete(
        `/organizations/${b.org.id}/github/installations/${id}`,
      );
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('INSTALLATION_NOT_FOUND');
      expect(
        (
          await as(t, b.admin.id).delete(
            `/organizations/${b.org.id}/github/installations/${'9'.repeat(200)}`,
          )
        ).status,
      ).toBe(404);
      expect((await installationRow(id)).deleted).toBe(false);
    });

    it('answers 503 GITHUB_APP_NOT_CONFIGURED for sync without App credentials', async () => {
      const { org, admin } = await makeTeam(t.db);
      const id = String(newId());
      await link(org.id, id);
      const res = await as(t, admin.id).post(
        `/organizations/${org.id}/github/installations/${id}/sync`,
      );
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('GITHUB_APP_NOT_CONFIGURED');
    });
  });

  describe('repositories', () => {
    it("lists the organization's repositories, filters with ?q= (case-insensitive, literal %), and gets one", async () => {
      const { org, member } = await makeTeam(t.db);
      const id = String(newId());
      await link(org.id, id);
      await seedRepos(id, ['Acme/API-server', 'acme/web', 'acme/100%_done']);
      const all = await as(t, member.id).get(`/organizations/${org.id}/github/repositories`);
      expect(all.body.data).toHaveLength(3);
      const q = await as(t, member.id).get(`/organizations/${org.id}/github/repositories?q=api`);
      expect(q.body.data.map((r: { name: string }) => r.name)).toEqual(['Acme/API-server']);
      const literal = await as(t, member.id).get(
        `/organizations/${org.id}/github/repositories?q=${encodeURIComponent('%_')}`,
      );
      expect(literal.body.data.map((r: { name: string }) => r.name)).toEqual(['acme/100%_done']);
      const one = all.body.data[0];
      const got = await as(t, member.id).get(
        `/organizations/${org.id}/github/repositories/${one.id}`,
      );
      expect(got.status).toBe(200);
      expect(got.body).toEqual(one);
    });

    it('walks a long list once, with no duplicates', async () => {
      const { org, admin } = await makeTeam(t.db);
      const id = String(newId());
      await link(org.id, id);
      await seedRepos(
        id,
        Array.from({ length: 11 }, (_, i) => `acme/repo-${i}`),
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await as(t, admin.id).get(
          `/organizations/${org.id}/github/repositories?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.data.map((r: { id: string }) => r.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(11);
      expect(new Set(seen).size).toBe(11);
    });

    it('keeps tenants apart: another organization gets 404 for the repository and the routes', async () => {
      const a = await makeTeam(t.db);
      const b = await makeTeam(t.db);
      const outsider = await makeUser(t.db);
      const id = String(newId());
      await link(a.org.id, id);
      await seedRepos(id, ['acme/secret']);
      const [repo] = await repoRows(id);
      const viaOwnOrg = await as(t, b.admin.id).get(
        `/organizations/${b.org.id}/github/repositories/${repo.id}`,
      );
      expect(viaOwnOrg.status).toBe(404);
      expect(viaOwnOrg.body.error).toBe('REPOSITORY_NOT_FOUND');
      expect(
        (await as(t, b.admin.id).get(`/organizations/${b.org.id}/github/repositories`)).body.data,
      ).toEqual([]);
      for (const url of [
        `/organizations/${a.org.id}/github/repositories`,
        `/organizations/${a.org.id}/github/repositories/${repo.id}`,
        `/organizations/${a.org.id}/github/installations`,
      ]) {
        const res = await as(t, outsider.id).get(url);
        expect(res.status).toBe(404);
        expect(res.body.error).toBe('ORGANIZATION_NOT_FOUND');
      }
    });
  });
});
