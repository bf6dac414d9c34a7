import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import {
  auditEvents,
  githubInstallationRepositories,
  githubInstallations,
  githubLinkStates,
  webhookDeliveries,
} from '../../src/db/schema';
import { settledDelivery } from '../support/deliveries';
import { makeMember, makeTeam, makeUser, nextGithubId } from '../support/factories';
import { GithubApiStub, StubRepo } from '../support/github-api-stub';
import { github, GITHUB_SECRET, signGithub } from '../support/github-events';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

/** GitHub's install flow as the proof that an org admin controls an installation. */
describe('linking a GitHub installation with proof of control', () => {
  const stub = new GithubApiStub();
  let t: TestApp;
  let stubUrl: string;

  beforeAll(async () => {
    stubUrl = await stub.start();
    t = await createTestApp({
      env: {
        GITHUB_API_URL: stubUrl,
        GITHUB_APP_SLUG: 'stub-app',
        GITHUB_APP_ID: stub.app.appId,
        GITHUB_APP_PRIVATE_KEY: stub.app.privateKey,
        GITHUB_APP_CLIENT_ID: stub.oauth.clientId,
        GITHUB_APP_CLIENT_SECRET: stub.oauth.clientSecret,
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await stub.stop();
  });

  const newId = () => String(nextGithubId());
  const repo = (fullName: string): StubRepo => ({ id: newId(), fullName });
  const linkUrl = (orgId: string) => `/organizations/${orgId}/github/installations`;

  async function installUrl(orgId: string, userId: string) {
    const res = await as(t, userId).get(`/organizations/${orgId}/github/install-url`);
    expect(res.status).toBe(200);
    return res.body as { url: string; state: string; expiresAt: string };
  }
  /** The org admin goes through GitHub's install flow and the front end posts what it got. */
  async function linkWithProof(
    orgId: string,
    userId: string,
    installationId: string,
    code = stub.authorize([installationId]),
  ) {
    const { state } = await installUrl(orgId, userId);
    return as(t, userId).post(linkUrl(orgId)).send({ installationId, code, state });
  }
  const installationRow = async (id: string) =>
    (await t.db.select().from(githubInstallations).where(eq(githubInstallations.id, id)))[0];
  const repoNames = async (orgId: string, userId: string) =>
    (await as(t, userId).get(`/organizations/${orgId}/github/repositories?limit=100`)).body.data
      .map((r: { name: string }) => r.name)
      .sort();
  const auditOf = (orgId: string) =>
    t.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.organizationId, orgId))
      .orderBy(auditEvents.seq);
  const tokenRequestsFor = (installationId: string) =>
    stub.requests.filter((r) => r === `POST /app/installations/${installationId}/access_tokens`);
  async function deliver({ event, payload }: { event: string; payload: object }) {
    const body = JSON.stringify(payload);
    return request(t.server)
      .post('/webhooks/github')
      .set(await signGithub(event, body))
      .send(body);
  }
  const pendingDeliveries = (installationId: string) =>
    t.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.installationId, installationId));

  describe('the install URL', () => {
    it("is the App's install page with a fresh state for this organization and caller, stored as its SHA-256", async () => {
      const { org, admin, member } = await makeTeam(t.db);
      const before = Date.now();
      const body = await installUrl(org.id, admin.id);
      expect(body.url).toBe(`${stubUrl}/apps/stub-app/installations/new?state=${body.state}`);
      expect(body.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const expiresAt = new Date(body.expiresAt).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 10 * 60_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
      const rows = await t.db
        .select()
        .from(githubLinkStates)
        .where(eq(githubLinkStates.organizationId, org.id));
      expect(rows).toEqual([
        expect.objectContaining({
          stateHash: createHash('sha256').update(body.state).digest('hex'),
          userId: admin.id,
          usedAt: null,
        }),
      ]);
      expect((await installUrl(org.id, admin.id)).state).not.toBe(body.state);
      const denied = await as(t, member.id).get(`/organizations/${org.id}/github/install-url`);
      expect(denied.status).toBe(403);
    });
  });

  describe('with a valid proof', () => {
    it('links (201) when the installation is among the GitHub user’s, on any page, and syncs its repositories', async () => {
      const { org, admin, member } = await makeTeam(t.db);
      const id = newId();
      stub.install(id, [repo('acme/api'), repo('acme/web')]);
      // 230 installations of this user: the one asked for is on the third page of 100.
      const others = Array.from({ length: 229 }, newId);
      const code = stub.authorize([...others, id]);
      const pagesBefore = stub.requests.filter((r) => r === 'GET /user/installations').length;

      const res = await linkWithProof(org.id, admin.id, id, code);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id, organizationId: org.id });
      expect(stub.requests.filter((r) => r === 'GET /user/installations').length).toBe(
        pagesBefore + 3,
      );
      expect(await repoNames(org.id, member.id)).toEqual(['acme/api', 'acme/web']);
      expect((await auditOf(org.id)).map((e) => [e.action, e.actorId, e.data])).toEqual([
        ['installation.linked', admin.id, { proof: 'oauth' }],
        ['installation.synced', admin.id, { added: 2, removed: 0 }],
      ]);
    });

    it('applies the deliveries that waited for the link', async () => {
      const { org, admin } = await makeTeam(t.db);
      const id = newId();
      const kept = repo('acme/kept');
      stub.install(id, [kept]);
      const waited = await deliver(
        github.repositoriesAdded(Number(id), [{ ...kept, id: Number(kept.id) }]),
      );
      expect(waited.body.status).toBe('queued');
      const [{ deliveryId }] = await pendingDeliveries(id);
      await settledDelivery(t.db, 'github', deliveryId, (row) => row.waitingForLink);
      expect((await linkWithProof(org.id, admin.id, id)).status).toBe(201);
      const applied = await settledDelivery(t.db, 'github', deliveryId);
      expect(applied).toMatchObject({ status: 'applied', waitingForLink: false });
    });

    it('of two requests with one state, only one gets past the state check', async () => {
      const { org, admin } = await makeTeam(t.db);
      const id = newId();
      stub.install(id);
      const { state } = await installUrl(org.id, admin.id);
      const results = await Promise.all(
        [stub.authorize([id]), stub.authorize([id])].map((code) =>
          as(t, admin.id).post(linkUrl(org.id)).send({ installationId: id, code, state }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
      expect(results.find((r) => r.status === 403)?.body.message).toMatch(/already used/);
    });
  });

  describe('every failed check is 403 INSTALLATION_NOT_VERIFIED, links nothing, replays nothing', () => {
    let org: Awaited<ReturnType<typeof makeTeam>>;
    let id: string;

    beforeEach(async () => {
      org = await makeTeam(t.db);
      id = newId();
      stub.install(id, [repo('victim/private')]);
      await deliver(github.installation('created', Number(id), []));
    });
    afterEach(async () => {
      expect(await installationRow(id)).toBeUndefined();
      expect(await repoNames(org.org.id, org.admin.id)).toEqual([]);
      expect((await pendingDeliveries(id)).map((d) => d.appliedAt)).toEqual([null]);
      expect((await auditOf(org.org.id)).filter((e) => e.targetId === id)).toEqual([]);
      // GitHub was never asked about the installation itself: no oracle of which ids exist.
      expect(tokenRequestsFor(id)).toEqual([]);
    });

    async function refused(body: object, reason: RegExp, userId = org.admin.id) {
      const res = await as(t, userId).post(linkUrl(org.org.id)).send(body);
      expect({ status: res.status, error: res.body.error }).toEqual({
        status: 403,
        error: 'INSTALLATION_NOT_VERIFIED',
      });
      expect(res.body.message).toMatch(reason);
    }

    it('a code of a GitHub user without access to it; the state is spent all the same', async () => {
      const { state } = await installUrl(org.org.id, org.admin.id);
      const code = stub.authorize([newId(), newId()]);
      await refused({ installationId: id, code, state }, /cannot access installation/);
      await refused(
        { installationId: id, code: stub.authorize([id]), state },
        /unknown or already used/,
      );
    });

    it('a code GitHub refuses (used before, or unknown)', async () => {
      const state = async () => (await installUrl(org.org.id, org.admin.id)).state;
      const code = stub.authorize([newId()]);
      await refused({ installationId: id, code, state: await state() }, /cannot access/);
      await refused({ installationId: id, code, state: await state() }, /GitHub refused the code/);
      await refused(
        { installationId: id, code: 'not-a-code', state: await state() },
        /GitHub refused the code/,
      );
    });

    it('a used state', async () => {
      const other = newId();
      stub.install(other);
      const { state } = await installUrl(org.org.id, org.admin.id);
      const used = await as(t, org.admin.id)
        .post(linkUrl(org.org.id))
        .send({ installationId: other, code: stub.authorize([other]), state });
      expect(used.status).toBe(201);
      await refused(
        { installationId: id, code: stub.authorize([id]), state },
        /unknown or already used/,
      );
    });

    it('an expired state', async () => {
      const { state } = await installUrl(org.org.id, org.admin.id);
      await t.db
        .update(githubLinkStates)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(githubLinkStates.stateHash, createHash('sha256').update(state).digest('hex')));
      await refused({ installationId: id, code: stub.authorize([id]), state }, /expired/);
    });

    it("another organization's state, from the same admin", async () => {
      const elsewhere = await makeTeam(t.db);
      await makeMember(t.db, elsewhere.org.id, org.admin.id, 'admin');
      const { state } = await installUrl(elsewhere.org.id, org.admin.id);
      await refused(
        { installationId: id, code: stub.authorize([id]), state },
        /another organization/,
      );
    });

    it("another caller's state, in the same organization", async () => {
      const otherAdmin = await makeUser(t.db);
      await makeMember(t.db, org.org.id, otherAdmin.id, 'admin');
      const { state } = await installUrl(org.org.id, otherAdmin.id);
      await refused({ installationId: id, code: stub.authorize([id]), state }, /another user/);
    });

    it('no code, no state, or neither', async () => {
      const { state } = await installUrl(org.org.id, org.admin.id);
      await refused({ installationId: id, state }, /no code/);
      await refused({ installationId: id, code: stub.authorize([id]) }, /no state/);
      await refused({ installationId: id }, /no code and state/);
    });
  });

  describe('a platform admin', () => {
    it('links by id alone, and GitHub fills in the repositories', async () => {
      const { org, member } = await makeTeam(t.db);
      const platformAdmin = await makeUser(t.db, { isAdmin: true });
      const id = newId();
      stub.install(id, [repo('acme/ops')]);
      const res = await as(t, platformAdmin.id).post(linkUrl(org.id)).send({ installationId: id });
      expect(res.status).toBe(201);
      expect(await repoNames(org.id, member.id)).toEqual(['acme/ops']);
      expect((await auditOf(org.id))[0]).toMatchObject({
        action: 'installation.linked',
        actorId: platformAdmin.id,
        data: { proof: 'platformAdmin' },
      });
    });

    it('gets 502 GITHUB_UNAVAILABLE, and nothing linked, for an installation GitHub does not know', async () => {
      const { org } = await makeTeam(t.db);
      const platformAdmin = await makeUser(t.db, { isAdmin: true });
      const id = newId();
      const res = await as(t, platformAdmin.id).post(linkUrl(org.id)).send({ installationId: id });
      expect(res.status).toBe(502);
      expect(res.body.error).toBe('GITHUB_UNAVAILABLE');
      expect(await installationRow(id)).toBeUndefined();
    });
  });

  describe('the takeover of the issue fails at every step', () => {
    async function attacker() {
      const user = await makeUser(t.db);
      const created = await as(t, user.id).post('/organizations').send({ name: 'Evil Corp' });
      expect(created.status).toBe(201);
      return { userId: user.id, orgId: created.body.id as string };
    }

    it('an unheld installation, linked by id, by its own state, or with its own GitHub user', async () => {
      const victim = newId();
      stub.install(victim, [repo('victim/secret')]);
      const evil = await attacker();
      const attempts = [
        { installationId: victim },
        { installationId: newId() }, // an id that does not exist answers exactly the same
        { installationId: victim, state: (await installUrl(evil.orgId, evil.userId)).state },
        {
          installationId: victim,
          state: (await installUrl(evil.orgId, evil.userId)).state,
          code: stub.authorize([newId()]), // the attacker's own GitHub account and installation
        },
      ];
      for (const body of attempts) {
        const res = await as(t, evil.userId).post(linkUrl(evil.orgId)).send(body);
        expect({ status: res.status, error: res.body.error }).toEqual({
          status: 403,
          error: 'INSTALLATION_NOT_VERIFIED',
        });
      }
      expect(tokenRequestsFor(victim)).toEqual([]);
      expect(await installationRow(victim)).toBeUndefined();
      expect(await repoNames(evil.orgId, evil.userId)).toEqual([]);
    });

    it('deliveries waiting for an installation stay waiting', async () => {
      const victim = newId();
      await deliver(
        github.installation('created', Number(victim), [
          { id: 424242, fullName: 'victim/pending' },
        ]),
      );
      const evil = await attacker();
      const res = await as(t, evil.userId)
        .post(linkUrl(evil.orgId))
        .send({ installationId: victim });
      expect(res.status).toBe(403);
      expect((await pendingDeliveries(victim)).map((d) => d.appliedAt)).toEqual([null]);
      expect(await repoNames(evil.orgId, evil.userId)).toEqual([]);
    });

    it('after the owner unlinks, nobody else can take it, and the owner links it again', async () => {
      const owner = await makeTeam(t.db);
      const id = newId();
      stub.install(id, [repo('victim/app')]);
      expect((await linkWithProof(owner.org.id, owner.admin.id, id)).status).toBe(201);
      expect((await as(t, owner.admin.id).delete(`${linkUrl(owner.org.id)}/${id}`)).status).toBe(
        204,
      );
      const evil = await attacker();
      const take = await linkWithProof(evil.orgId, evil.userId, id, stub.authorize([newId()]));
      expect(take.status).toBe(403);
      expect(await repoNames(evil.orgId, evil.userId)).toEqual([]);
      // A later webhook goes nowhere near the attacker: it waits for a proven link.
      const added = { id: nextGithubId(), fullName: 'victim/new' };
      stub.install(id, [...stub.installations.get(id)!, added]);
      await deliver(github.repositoriesAdded(Number(id), [added]));
      expect(await repoNames(evil.orgId, evil.userId)).toEqual([]);

      const relink = await linkWithProof(owner.org.id, owner.admin.id, id);
      expect(relink.status).toBe(201);
      expect(await repoNames(owner.org.id, owner.member.id)).toEqual(['victim/app', 'victim/new']);
      expect(await repoNames(evil.orgId, evil.userId)).toEqual([]);
    });
  });

  describe('GitHub ids stay digits end to end', () => {
    it('an installation and a repository past 2^53 round-trip exactly through link, sync and reads', async () => {
      const { org, admin, member } = await makeTeam(t.db);
      const id = '99999999999999999999';
      const repoId = '99999999999999999998';
      stub.install(id, [{ id: repoId, fullName: 'big/one' }]);
      const link = await linkWithProof(
        org.id,
        admin.id,
        id,
        stub.authorize(['9007199254740993', id]),
      );
      expect(link.status).toBe(201);
      expect(link.body.id).toBe(id);
      expect(tokenRequestsFor(id)).toHaveLength(1);
      const repos = await as(t, member.id).get(`/organizations/${org.id}/github/repositories`);
      expect(repos.body.data).toEqual([
        expect.objectContaining({ id: repoId, installationId: id }),
      ]);
      const one = await as(t, member.id).get(
        `/organizations/${org.id}/github/repositories/${repoId}`,
      );
      expect(one.status).toBe(200);

      stub.install(id, [
        { id: repoId, fullName: 'big/renamed' },
        { id: '99999999999999999997', fullName: 'big/two' },
      ]);
      const sync = await as(t, admin.id).post(`${linkUrl(org.id)}/${id}/sync`);
      expect(sync.status).toBe(200);
      expect(sync.body.id).toBe(id);
      expect(tokenRequestsFor(id)).toHaveLength(2);
      const rows = await t.db
        .select()
        .from(githubInstallationRepositories)
        .where(eq(githubInstallationRepositories.installationId, id));
      expect(rows.map((r) => [r.id, r.name]).sort()).toEqual([
        ['99999999999999999997', 'big/two'],
        [repoId, 'big/renamed'],
      ]);
      const listed = await as(t, member.id).get(`/organizations/${org.id}/github/installations`);
      expect(listed.body.data.map((i: { id: string }) => i.id)).toEqual([id]);
    });
  });

  describe('GitHub failing', () => {
    it('is 502 GITHUB_UNAVAILABLE; the state is spent, nothing is linked', async () => {
      const { org, admin } = await makeTeam(t.db);
      const id = newId();
      stub.install(id);
      const { state } = await installUrl(org.id, admin.id);
      stub.failWith = 500;
      try {
        const res = await as(t, admin.id)
          .post(linkUrl(org.id))
          .send({ installationId: id, code: stub.authorize([id]), state });
        expect(res.status).toBe(502);
        expect(res.body).toEqual({
          error: 'GITHUB_UNAVAILABLE',
          message: 'GitHub call failed: OAuth code exchange (GitHub answered 500)',
        });
      } finally {
        stub.failWith = undefined;
      }
      const again = await as(t, admin.id)
        .post(linkUrl(org.id))
        .send({ installationId: id, code: stub.authorize([id]), state });
      expect(again.status).toBe(403);
      expect(await installationRow(id)).toBeUndefined();
    });
  });
});
