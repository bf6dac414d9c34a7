import { eq } from 'drizzle-orm';
import request from 'supertest';
import {
  githubInstallationRepositories,
  githubInstallations,
  webhookDeliveries,
} from '../../src/db/schema';
import { makeTeam, makeUser } from '../support/factories';
import { github, GITHUB_SECRET, Repo, signGithub } from '../support/github-events';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('POST /webhooks/github', () => {
  let t: TestApp;
  let nextId = 9_000_000;
  const newId = () => nextId++;
  const repo = (fullName: string): Repo => ({ id: newId(), fullName });

  beforeAll(async () => {
    t = await createTestApp({ env: { GITHUB_WEBHOOK_SECRET: GITHUB_SECRET } });
  });
  afterAll(() => t.close());

  async function deliver(
    { event, payload }: { event: string; payload: object },
    options: { deliveryId?: string; secret?: string } = {},
  ) {
    const body = JSON.stringify(payload);
    return request(t.server)
      .post('/webhooks/github')
      .set(await signGithub(event, body, options))
      .send(body);
  }
  const repoRow = async (id: number) =>
    (
      await t.db
        .select()
        .from(githubInstallationRepositories)
        .where(eq(githubInstallationRepositories.id, String(id)))
    )[0];
  const installationRow = async (id: number) =>
    (
      await t.db
        .select()
        .from(githubInstallations)
        .where(eq(githubInstallations.id, String(id)))
    )[0];

  /** Links by id, which only a platform admin may do without GitHub's proof. */
  const linkAsPlatformAdmin = async (orgId: string, installationId: number) =>
    as(t, (await makeUser(t.db, { isAdmin: true })).id)
      .post(`/organizations/${orgId}/github/installations`)
      .send({ installationId });

  /** An organization with a linked installation. */
  async function linked() {
    const team = await makeTeam(t.db);
    const installationId = newId();
    await linkAsPlatformAdmin(team.org.id, installationId);
    return { ...team, installationId };
  }
  const repoNames = async (orgId: string, userId: string) =>
    (await as(t, userId).get(`/organizations/${orgId}/github/repositories?limit=100`)).body.data
      .map((r: { name: string }) => r.name)
      .sort();

  describe('signatures', () => {
    it('refuses bad and missing signatures with 401 and records nothing', async () => {
      const before = (await t.db.select().from(webhookDeliveries)).length;
      const { event, payload } = github.installation('created', newId(), [repo('x/y')]);
      const bad = await deliver({ event, payload }, { secret: 'not-the-secret' });
      expect(bad.status).toBe(401);
      expect(bad.body.error).toBe('INVALID_SIGNATURE');
      const body = JSON.stringify(payload);
      const missing = await request(t.server)
        .post('/webhooks/github')
        .set({
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': 'd-1',
        })
        .send(body);
      expect(missing.status).toBe(401);
      // A valid signature over different bytes is still invalid.
      const headers = await signGithub(event, body);
      const tampered = await request(t.server)
        .post('/webhooks/github')
        .set(headers)
        .send(body.replace('"created"', '"deleted"'));
      expect(tampered.status).toBe(401);
      expect(await t.db.select().from(webhookDeliveries)).toHaveLength(before);
    });

    it('answers 503 when no secret is configured', async () => {
      const bare = await createTestApp();
      try {
        const { event, payload } = github.installation('created', newId());
        const body = JSON.stringify(payload);
        const res = await request(bare.server)
          .post('/webhooks/github')
          .set(await signGithub(event, body))
          .send(body);
        expect(res.status).toBe(503);
        expect(res.body.error).toBe('WEBHOOK_NOT_CONFIGURED');
      } finally {
        await bare.close();
      }
    });
  });

  describe('events for a linked installation', () => {
    it('installation_repositories added and removed; added back is restored with its new name', async () => {
      const { org, member, installationId } = await linked();
      const api = repo('acme/api');
      const web = repo('acme/web');
      expect((await deliver(github.repositoriesAdded(installationId, [api, web]))).body).toEqual({
        status: 'applied',
      });
      expect(await repoNames(org.id, member.id)).toEqual(['acme/api', 'acme/web']);
      await deliver(github.repositoriesRemoved(installationId, [web]));
      expect(await repoRow(web.id)).toMatchObject({ deleted: true, deletedAt: expect.any(Date) });
      expect(await repoNames(org.id, member.id)).toEqual(['acme/api']);
      await deliver(
        github.repositoriesAdded(installationId, [{ ...web, fullName: 'acme/website' }]),
      );
      expect(await repoRow(web.id)).toMatchObject({ deleted: false, name: 'acme/website' });
    });

    it('installation created (with its repositories), suspend, unsuspend, deleted', async () => {
      const { org, admin, installationId } = await linked();
      await deliver(
        github.installation('created', installationId, [repo('acme/one'), repo('acme/two')]),
      );
      expect(await repoNames(org.id, admin.id)).toEqual(['acme/one', 'acme/two']);
      await deliver(github.installation('suspend', installationId));
      const list = await as(t, admin.id).get(`/organizations/${org.id}/github/installations`);
      expect(list.body.data[0]).toMatchObject({ suspended: true, suspendedAt: expect.any(String) });
      await deliver(github.installation('unsuspend', installationId));
      expect((await installationRow(installationId)).suspendedAt).toBeNull();
      await deliver(github.installation('deleted', installationId));
      expect(await installationRow(installationId)).toMatchObject({ deleted: true });
      expect(await repoNames(org.id, admin.id)).toEqual([]);
    });

    it('repository renamed, transferred and deleted', async () => {
      const { org, admin, installationId } = await linked();
      const r = repo('acme/old-name');
      await deliver(github.repositoriesAdded(installationId, [r]));
      await deliver(
        github.repository('renamed', installationId, { ...r, fullName: 'acme/new-name' }),
      );
      expect((await repoRow(r.id)).name).toBe('acme/new-name');
      await deliver(
        github.repository('transferred', installationId, {
          ...r,
          fullName: 'other-owner/new-name',
        }),
      );
      expect((await repoRow(r.id)).name).toBe('other-owner/new-name');
      await deliver(github.repository('deleted', installationId, r));
      expect((await repoRow(r.id)).deleted).toBe(true);
      expect(await repoNames(org.id, admin.id)).toEqual([]);
    });

    it('a repository added to another installation moves to it', async () => {
      const a = await linked();
      const b = await linked();
      const shared = repo('acme/moving');
      await deliver(github.repositoriesAdded(a.installationId, [shared]));
      await deliver(github.repositoriesAdded(b.installationId, [shared]));
      expect((await repoRow(shared.id)).installationId).toBe(String(b.installationId));
      expect(await repoNames(a.org.id, a.admin.id)).toEqual([]);
      expect(await repoNames(b.org.id, b.admin.id)).toEqual(['acme/moving']);
    });

    it('applies a repeated delivery once, and acknowledges events it does not use', async () => {
      const { org, admin, installationId } = await linked();
      const r = repo('acme/replayed');
      const delivery = github.repositoriesAdded(installationId, [r]);
      const first = await deliver(delivery, { deliveryId: 'gh-replay-1' });
      await deliver(github.repositoriesRemoved(installationId, [r]));
      const replay = await deliver(delivery, { deliveryId: 'gh-replay-1' });
      expect([first.body.status, replay.body.status]).toEqual(['applied', 'duplicate']);
      expect(await repoNames(org.id, admin.id)).toEqual([]);
      const ping = await deliver({ event: 'ping', payload: { zen: 'Keep it logically awesome.' } });
      expect(ping.status).toBe(200);
      expect(ping.body.status).toBe('ignored');
    });

    it('is order-tolerant: removed before added, and a late rename does not revive', async () => {
      const { org, admin, installationId } = await linked();
      const r = repo('acme/early');
      expect((await deliver(github.repositoriesRemoved(installationId, [r]))).status).toBe(200);
      expect(await repoRow(r.id)).toBeUndefined();
      await deliver(github.repositoriesAdded(installationId, [r]));
      await deliver(github.repositoriesRemoved(installationId, [r]));
      await deliver(github.repository('renamed', installationId, { ...r, fullName: 'acme/late' }));
      expect(await repoRow(r.id)).toMatchObject({ deleted: true, name: 'acme/late' });
      expect(await repoNames(org.id, admin.id)).toEqual([]);
    });
  });

  describe('events before the link', () => {
    it('keeps them pending and applies them, in order, when the installation is linked', async () => {
      const installationId = newId();
      const one = repo('acme/one');
      const two = repo('acme/two');
      const first = await deliver(github.installation('created', installationId, [one, two]));
      expect(first.body.status).toBe('pending');
      await deliver(github.repositoriesRemoved(installationId, [one]));
      expect(await repoRow(one.id)).toBeUndefined();
      const pending = await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.installationId, String(installationId)));
      expect(pending.map((d) => d.appliedAt)).toEqual([null, null]);

      const { org, admin } = await makeTeam(t.db);
      const link = await linkAsPlatformAdmin(org.id, installationId);
      expect(link.status).toBe(201);
      expect(await repoNames(org.id, admin.id)).toEqual(['acme/two']);
      const applied = await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.installationId, String(installationId)));
      expect(applied.every((d) => d.appliedAt !== null)).toBe(true);
    });
  });
});
