import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  auditEvents,
  githubInstallationRepositories,
  githubInstallations,
  webhookDeliveries,
} from '../../src/db/schema';
import { deliveryRow, settledDelivery } from '../support/deliveries';
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

  /** Posts a signed delivery; a queued one is awaited until the worker is done with it. */
  async function deliver(
    { event, payload }: { event: string; payload: object | string },
    options: { deliveryId?: string; secret?: string } = {},
  ) {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const deliveryId = options.deliveryId ?? randomUUID();
    const res = await request(t.server)
      .post('/webhooks/github')
      .set(await signGithub(event, body, { ...options, deliveryId }))
      .send(body);
    if (res.body.status === 'queued') await settledDelivery(t.db, 'github', deliveryId);
    return Object.assign(res, { deliveryId });
  }
  const stored = async (deliveryId: string) => (await deliveryRow(t.db, 'github', deliveryId))!;
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
      const added = await deliver(github.repositoriesAdded(installationId, [api, web]));
      expect(added.body).toEqual({ status: 'queued' });
      expect(await stored(added.deliveryId)).toMatchObject({
        event: 'installation_repositories.added',
        status: 'applied',
        installationId: String(installationId),
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
      const resent = await deliver(delivery);
      expect([first.body.status, replay.body.status, resent.body.status]).toEqual([
        'queued',
        'duplicate',
        'duplicate',
      ]);
      expect(await repoNames(org.id, admin.id)).toEqual([]);
      const ping = await deliver({ event: 'ping', payload: { zen: 'Keep it logically awesome.' } });
      expect(ping.status).toBe(200);
      expect(ping.body.status).toBe('ignored');
    });

    it('is order-tolerant: removed before added, and a late rename does not revive', async () => {
      const { org, admin, installationId } = await linked();
      const r = repo('acme/early');
      // (Another repository too: the later removal of r alone is a different body, not a duplicate.)
      const early = github.repositoriesRemoved(installationId, [r, repo('acme/other')]);
      expect((await deliver(early)).status).toBe(200);
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
      expect(first.body.status).toBe('queued');
      await deliver(github.repositoriesRemoved(installationId, [one]));
      expect(await repoRow(one.id)).toBeUndefined();
      const pending = await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.installationId, String(installationId)));
      // Kept: neither retried nor failed, until the installation is linked.
      expect(pending).toEqual([
        expect.objectContaining({ status: 'queued', waitingForLink: true, nextAttemptAt: null }),
        expect.objectContaining({ status: 'queued', waitingForLink: true, nextAttemptAt: null }),
      ]);

      const { org, admin } = await makeTeam(t.db);
      const link = await linkAsPlatformAdmin(org.id, installationId);
      expect(link.status).toBe(201);
      for (const d of pending) {
        await settledDelivery(t.db, 'github', d.deliveryId, (row) => row.status !== 'queued');
      }
      expect(await repoNames(org.id, admin.id)).toEqual(['acme/two']);
      const applied = await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.installationId, String(installationId)));
      expect(applied.map((d) => [d.status, d.waitingForLink])).toEqual([
        ['applied', false],
        ['applied', false],
      ]);
    });
  });
  describe('payloads checked against their event type', () => {
    it('a captured repository.deleted body sent as an installation event is rejected', async () => {
      const { org, admin, installationId } = await linked();
      const r = repo('acme/kept');
      await deliver(github.repositoriesAdded(installationId, [r]));
      const captured = github.repository('deleted', installationId, r);
      const confused = await deliver({ event: 'installation', payload: captured.payload });
      expect(confused.body).toEqual({ status: 'rejected' });
      expect(await stored(confused.deliveryId)).toMatchObject({
        status: 'failed',
        event: 'installation.deleted',
        lastError: expect.stringContaining('repository: belongs to another event type'),
      });
      expect(await installationRow(installationId)).toMatchObject({ deleted: false });
      expect(await repoNames(org.id, admin.id)).toEqual(['acme/kept']);
      // The same signed body under its own event type and a new delivery id: a duplicate.
      expect((await deliver(captured)).body).toEqual({ status: 'duplicate' });
      expect(await repoNames(org.id, admin.id)).toEqual(['acme/kept']);
    });

    const malformed: [string, (installationId: number) => { event: string; payload: string }][] = [
      [
        'repositories_added as an object',
        (id) => {
          const { event, payload } = github.repositoriesAdded(id, [repo('acme/x')]);
          return { event, payload: JSON.stringify({ ...payload, repositories_added: { id: 1 } }) };
        },
      ],
      [
        'an installation id that is not digits',
        (id) => {
          const { event, payload } = github.repositoriesAdded(id, [repo('acme/x')]);
          return { event, payload: JSON.stringify({ ...payload, installation: { id: 'abc' } }) };
        },
      ],
      [
        'a fractional repository id',
        (id) => {
          const r = repo('acme/x');
          const body = JSON.stringify(github.repositoriesAdded(id, [r]).payload);
          return {
            event: 'installation_repositories',
            payload: body.replace(`"id":${r.id},`, `"id":${r.id}.5,`),
          };
        },
      ],
      [
        'a repository id of 129 digits',
        (id) => {
          const r = repo('acme/x');
          const body = JSON.stringify(github.repositoriesAdded(id, [r]).payload);
          return {
            event: 'installation_repositories',
            payload: body.replace(`"id":${r.id},`, `"id":${'9'.repeat(129)},`),
          };
        },
      ],
      [
        'no installation',
        (id) => {
          const { event, payload } = github.repositoriesAdded(id, [repo('acme/x')]);
          return { event, payload: JSON.stringify({ ...payload, installation: null }) };
        },
      ],
      [
        'an array body',
        (id) => ({
          event: 'installation',
          payload: JSON.stringify([github.installation('deleted', id).payload]),
        }),
      ],
    ];

    it.each(malformed)('%s: 200 rejected, nothing changed, listed as failed', async (_, make) => {
      const { org, admin, installationId } = await linked();
      const res = await deliver(make(installationId));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'rejected' });
      expect(await repoNames(org.id, admin.id)).toEqual([]);
      expect(await installationRow(installationId)).toMatchObject({ deleted: false });
      const platformAdmin = await makeUser(t.db, { isAdmin: true });
      const listed = await as(t, platformAdmin.id).get(
        `/webhook-deliveries?source=github&status=failed&deliveryId=${res.deliveryId}`,
      );
      expect(listed.body.data).toEqual([
        expect.objectContaining({ status: 'failed', lastError: expect.stringMatching(/^[^\n]+$/) }),
      ]);
    });

    it('keeps GitHub ids past 2^53 exact, end to end', async () => {
      const big = '99999999999999999999';
      const { org, admin } = await makeTeam(t.db);
      await t.db.insert(githubInstallations).values({ id: big, organizationId: org.id });
      const { event, payload } = github.repositoriesAdded(1, [{ id: 2, fullName: 'acme/huge' }]);
      const body = JSON.stringify(payload)
        .replace('"installation":{"id":1', `"installation":{"id":${big}`)
        .replace(/"id":2,"node_id"/, `"id":${big},"node_id"`);
      expect(body).toContain(`"id":${big}`);
      const res = await deliver({ event, payload: body });
      expect(await stored(res.deliveryId)).toMatchObject({
        status: 'applied',
        installationId: big,
      });
      const repos = await as(t, admin.id).get(`/organizations/${org.id}/github/repositories`);
      expect(repos.body.data).toEqual([expect.objectContaining({ id: big, name: 'acme/huge' })]);
    });
  });

  describe('audit', () => {
    it('records repository changes as installation.synced and GitHub’s deletion as unlinked', async () => {
      const { org, installationId } = await linked();
      const [a, b, c] = [repo('acme/a'), repo('acme/b'), repo('acme/c')];
      await deliver(github.repositoriesAdded(installationId, [a, b]));
      await deliver(github.repositoriesAdded(installationId, [a])); // nothing new: no event
      await deliver(github.repositoriesRemoved(installationId, [b, c])); // c was never listed
      await deliver(github.installation('deleted', installationId));
      const events = await t.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.actorType, 'github')))
        .orderBy(auditEvents.seq);
      expect(events.map((e) => [e.action, e.targetId, e.data])).toEqual([
        [
          'installation.synced',
          String(installationId),
          { added: 2, removed: 0, addedIds: [String(a.id), String(b.id)], removedIds: [] },
        ],
        [
          'installation.synced',
          String(installationId),
          { added: 0, removed: 1, addedIds: [], removedIds: [String(b.id)] },
        ],
        ['installation.unlinked', String(installationId), { reason: 'deleted on GitHub' }],
      ]);
    });
  });
});
