import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  auditEvents,
  githubInstallationRepositories,
  githubInstallations,
  organizationMembers,
  organizations,
  reconciliationRuns,
  User,
  users,
} from '../../src/db/schema';
import { ReconciliationsService } from '../../src/reconciliation/reconciliations.service';
import { ClerkApiStub } from '../support/clerk-api-stub';
import {
  makeInstallation,
  makeMember,
  makeOrganization,
  makeRepository,
  makeUser,
} from '../support/factories';
import { GithubApiStub } from '../support/github-api-stub';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

/** Two versions in Clerk's own clock: what the mirror knew, and Clerk's later change. */
const T1 = 1_700_000_000_000;
const T2 = T1 + 86_400_000;
/** Users present on both sides and alike, enough for Clerk to list them in two pages of 500. */
const FILLERS = 520;

type Counts = Record<
  string,
  { created: number; updated: number; deleted: number; unchanged: number }
>;
interface Run {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  dryRun: boolean;
  counts: Counts;
  errors: { source: string; kind: string; message: string }[];
}

const c = (created: number, updated: number, deleted: number, unchanged: number) => ({
  created,
  updated,
  deleted,
  unchanged,
});

describe('reconciliation from Clerk and GitHub', () => {
  const clerk = new ClerkApiStub();
  const github = new GithubApiStub();
  let t: TestApp;
  let admin: User;

  beforeAll(async () => {
    const [clerkUrl, githubUrl] = await Promise.all([clerk.start(), github.start()]);
    t = await createTestApp({
      env: {
        CLERK_SECRET_KEY: clerk.secretKey,
        CLERK_API_URL: clerkUrl,
        GITHUB_APP_ID: github.app.appId,
        GITHUB_APP_PRIVATE_KEY: github.app.privateKey,
        GITHUB_API_URL: githubUrl,
        RECONCILE_INTERVAL_MINUTES: '0',
      },
    });
    admin = await makeUser(t.db, { isAdmin: true });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([clerk.stop(), github.stop()]);
  });

  async function start(query = ''): Promise<string> {
    const res = await as(t, admin.id).post(`/reconciliations${query}`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'running' });
    return res.body.id as string;
  }

  /** Polls the run until it is no longer running. */
  async function finished(id: string, timeoutMs = 30_000): Promise<Run> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await as(t, admin.id).get(`/reconciliations/${id}`);
      expect(res.status).toBe(200);
      if (res.body.status !== 'running') return res.body as Run;
      if (Date.now() > deadline) throw new Error(`Run ${id} still running`);
      await sleep(25);
    }
  }

  /** Every row a run may touch, for "nothing changed" assertions. */
  async function snapshot() {
    return {
      users: await t.db.select().from(users).orderBy(asc(users.id)),
      organizations: await t.db.select().from(organizations).orderBy(asc(organizations.id)),
      members: await t.db.select().from(organizationMembers).orderBy(asc(organizationMembers.id)),
      installations: await t.db
        .select()
        .from(githubInstallations)
        .orderBy(asc(githubInstallations.id)),
      repositories: await t.db
        .select()
        .from(githubInstallationRepositories)
        .orderBy(asc(githubInstallationRepositories.id)),
      audit: (await t.db.select({ id: auditEvents.id }).from(auditEvents)).length,
    };
  }

  const stubUser = (id: string, updatedAt = T1, firstName = 'Same') => ({
    id,
    email: `${id}@example.com`,
    firstName,
    lastName: 'Person',
    imageUrl: 'https://img.example.com/a.png',
    createdAt: T1 - 1000,
    updatedAt,
  });
  /** A mirror row as Clerk's webhook would have written it at version `at`. */
  const mirrored = (id: string, at = T1) => ({
    id,
    email: `${id}@example.com`,
    firstName: 'Same',
    lastName: 'Person',
    photoUrl: 'https://img.example.com/a.png',
    clerkUpdatedAt: new Date(at),
  });

  const ids = {
    missing: 'user_rec_missing',
    stale: 'user_rec_stale',
    same: 'user_rec_same',
    back: 'user_rec_back',
    gone: 'user_rec_gone',
    local: 'user_rec_local',
    orgMissing: 'org_rec_missing',
    orgStale: 'org_rec_stale',
    orgBack: 'org_rec_back',
    orgGone: 'org_rec_gone',
  };
  let localOrgId: string;
  let localMemberId: string;
  let goneInstallation: string;
  let keptInstallation: string;
  let frozenInstallation: string;
  const repoIds = { same: '', renamed: '', removed: '', added: '' };

  it('arranges every kind of drift between Clerk, GitHub and the mirror', async () => {
    // Users: alike (many), missing here, stale here, deleted here but changed since in Clerk,
    // gone from Clerk, and one made here (not Clerk's to delete).
    const fillers = Array.from(
      { length: FILLERS },
      (_, i) => `user_rec_f${String(i).padStart(4, '0')}`,
    );
    for (const id of fillers) clerk.addUser(stubUser(id));
    await t.db.insert(users).values(fillers.map((id) => mirrored(id)));
    clerk.addUser(stubUser(ids.missing, T2, 'New'));
    clerk.addUser(stubUser(ids.stale, T2, 'Renamed'));
    clerk.addUser(stubUser(ids.same));
    clerk.addUser(stubUser(ids.back, T2));
    await makeUser(t.db, mirrored(ids.stale));
    await makeUser(t.db, mirrored(ids.same));
    await makeUser(t.db, { ...mirrored(ids.back), deleted: true, deletedAt: new Date(T1) });
    await makeUser(t.db, mirrored(ids.gone));
    await makeUser(t.db, { id: ids.local });

    // Organizations and their memberships.
    clerk.addOrganization({ id: ids.orgMissing, name: 'Missing', createdAt: T1, updatedAt: T2 }, [
      { userId: ids.same, role: 'org:admin', createdAt: T1, updatedAt: T2 },
    ]);
    clerk.addOrganization({ id: ids.orgStale, name: 'New name', createdAt: T1, updatedAt: T2 }, [
      { userId: ids.stale, role: 'org:admin', createdAt: T1, updatedAt: T2 },
    ]);
    clerk.addOrganization({ id: ids.orgBack, name: 'Back', createdAt: T1, updatedAt: T2 }, [
      { userId: ids.back, role: 'org:member', createdAt: T1, updatedAt: T2 },
    ]);
    const at = new Date(T1);
    await makeOrganization(t.db, { id: ids.orgStale, name: 'Old name', clerkUpdatedAt: at });
    await makeOrganization(t.db, {
      id: ids.orgBack,
      name: 'Back',
      clerkUpdatedAt: at,
      deleted: true,
      deletedAt: at,
    });
    await makeOrganization(t.db, { id: ids.orgGone, name: 'Gone', clerkUpdatedAt: at });
    const local = await makeOrganization(t.db, { name: 'Made here' });
    localOrgId = local.id;
    await t.db.insert(organizationMembers).values([
      // Clerk says admin now (a newer version).
      { organizationId: ids.orgStale, userId: ids.stale, role: 'member', clerkUpdatedAt: at },
      // Clerk no longer lists this one.
      { organizationId: ids.orgStale, userId: ids.same, role: 'member', clerkUpdatedAt: at },
      // Ended here before Clerk's later version of it.
      {
        organizationId: ids.orgBack,
        userId: ids.back,
        role: 'member',
        clerkUpdatedAt: at,
        deleted: true,
        deletedAt: at,
      },
    ]);
    // Added here, not through Clerk: never Clerk's to remove.
    localMemberId = (await makeMember(t.db, ids.orgStale, ids.local, 'member')).id;

    // GitHub: an installation GitHub no longer has, and one whose repositories drifted.
    const gone = await makeInstallation(t.db, local.id);
    goneInstallation = gone.id;
    await makeRepository(t.db, gone.id, 'acme/gone-1');
    await makeRepository(t.db, gone.id, 'acme/gone-2');
    const kept = await makeInstallation(t.db, local.id);
    keptInstallation = kept.id;
    const same = await makeRepository(t.db, kept.id, 'acme/same');
    const renamed = await makeRepository(t.db, kept.id, 'acme/old-name');
    const removed = await makeRepository(t.db, kept.id, 'acme/removed');
    Object.assign(repoIds, {
      same: same.id,
      renamed: renamed.id,
      removed: removed.id,
      added: String(Number(removed.id) + 100_000),
    });
    github.install(kept.id, [
      { id: same.id, fullName: 'acme/same' },
      { id: renamed.id, fullName: 'acme/new-name' },
      { id: repoIds.added, fullName: 'acme/added' },
    ]);
    // Suspended on GitHub since: GitHub lists no repositories of it, so they stay.
    const frozen = await makeInstallation(t.db, local.id);
    frozenInstallation = frozen.id;
    await makeRepository(t.db, frozen.id, 'acme/frozen');
    github.install(frozen.id, []);
    github.suspended.add(frozen.id);
  });

  const expected = {
    users: c(1, 2, 1, 1 + FILLERS),
    organizations: c(1, 2, 1, 0),
    members: c(1, 2, 1, 0),
    installations: c(0, 1, 1, 1),
    repositories: c(1, 1, 3, 2),
  };

  it('a dry run reports every repair and changes nothing', async () => {
    const before = await snapshot();
    const run = await finished(await start('?dryRun=true'));
    expect(run).toMatchObject({ status: 'succeeded', dryRun: true, errors: [] });
    expect(run.counts).toEqual(expected);
    expect(await snapshot()).toEqual(before);
  });

  it('a run repairs every drift at once, honouring a 429 and riding out a 500', async () => {
    clerk.fail(/^\/v1\/users\?/, 429, { retryAfter: 1 });
    clerk.fail(/^\/v1\/organizations\?/, 500);
    clerk.requests.length = 0;
    const run = await finished(await start());
    expect(run).toMatchObject({ status: 'succeeded', dryRun: false, errors: [] });
    expect(run.counts).toEqual(expected);
    // The rate-limited page and the failed one were asked again; every page was read.
    expect(clerk.requests.filter((r) => r === 'GET /v1/users')).toHaveLength(3);
    expect(clerk.requests.filter((r) => r === 'GET /v1/organizations')).toHaveLength(2);

    const user = async (id: string) => (await t.db.select().from(users).where(eq(users.id, id)))[0];
    expect(await user(ids.missing)).toMatchObject({ firstName: 'New', deleted: false });
    expect(await user(ids.stale)).toMatchObject({
      firstName: 'Renamed',
      clerkUpdatedAt: new Date(T2),
    });
    expect(await user(ids.back)).toMatchObject({ deleted: false, clerkUpdatedAt: new Date(T2) });
    expect(await user(ids.gone)).toMatchObject({ deleted: true });
    expect(await user(ids.local)).toMatchObject({ deleted: false });
    expect(await user(admin.id)).toMatchObject({ deleted: false });

    const org = async (id: string) =>
      (await t.db.select().from(organizations).where(eq(organizations.id, id)))[0];
    expect(await org(ids.orgMissing)).toMatchObject({ name: 'Missing', deleted: false });
    expect(await org(ids.orgStale)).toMatchObject({ name: 'New name' });
    expect(await org(ids.orgBack)).toMatchObject({ deleted: false });
    expect(await org(ids.orgGone)).toMatchObject({ deleted: true });
    expect(await org(localOrgId)).toMatchObject({ deleted: false });

    const active = async (orgId: string) =>
      (
        await t.db
          .select({ userId: organizationMembers.userId, role: organizationMembers.role })
          .from(organizationMembers)
          .where(
            and(
              eq(organizationMembers.organizationId, orgId),
              eq(organizationMembers.deleted, false),
            ),
          )
      ).sort((a, b) => a.userId.localeCompare(b.userId));
    expect(await active(ids.orgMissing)).toEqual([{ userId: ids.same, role: 'admin' }]);
    expect(await active(ids.orgStale)).toEqual([
      { userId: ids.local, role: 'member' },
      { userId: ids.stale, role: 'admin' },
    ]);
    expect(await active(ids.orgBack)).toEqual([{ userId: ids.back, role: 'member' }]);
    const [localMember] = await t.db
      .select()
      .from(organizationMembers)
      .where(eq(organizationMembers.id, localMemberId));
    expect(localMember.deleted).toBe(false);

    const [gone] = await t.db
      .select()
      .from(githubInstallations)
      .where(eq(githubInstallations.id, goneInstallation));
    expect(gone.deleted).toBe(true);
    const [kept] = await t.db
      .select()
      .from(githubInstallations)
      .where(eq(githubInstallations.id, keptInstallation));
    expect(kept).toMatchObject({ deleted: false, suspendedAt: null });
    const [frozen] = await t.db
      .select()
      .from(githubInstallations)
      .where(eq(githubInstallations.id, frozenInstallation));
    expect(frozen).toMatchObject({ deleted: false, suspendedAt: expect.any(Date) });
    const repos = await t.db
      .select({
        id: githubInstallationRepositories.id,
        name: githubInstallationRepositories.name,
        deleted: githubInstallationRepositories.deleted,
      })
      .from(githubInstallationRepositories)
      .where(
        inArray(githubInstallationRepositories.installationId, [
          goneInstallation,
          keptInstallation,
          frozenInstallation,
        ]),
      );
    expect(
      repos
        .filter((r) => !r.deleted)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['acme/added', 'acme/frozen', 'acme/new-name', 'acme/same']);

    // Every organization-scoped repair is in the audit log, as the system's.
    const events = await t.db
      .select({
        organizationId: auditEvents.organizationId,
        action: auditEvents.action,
        actorType: auditEvents.actorType,
        actorId: auditEvents.actorId,
      })
      .from(auditEvents)
      .where(
        inArray(auditEvents.organizationId, [
          ids.orgMissing,
          ids.orgStale,
          ids.orgBack,
          ids.orgGone,
          localOrgId,
        ]),
      );
    expect(events.every((e) => e.actorType === 'system' && e.actorId === null)).toBe(true);
    expect(events.map((e) => `${e.organizationId} ${e.action}`).sort()).toEqual(
      [
        `${ids.orgMissing} member.added`,
        `${ids.orgStale} organization.updated`,
        `${ids.orgStale} member.role_changed`,
        `${ids.orgStale} member.removed`,
        `${ids.orgBack} organization.restored`,
        `${ids.orgBack} member.added`,
        `${ids.orgGone} organization.deleted`,
        `${localOrgId} installation.unlinked`,
        `${localOrgId} installation.synced`,
      ].sort(),
    );
  });

  it('a second run finds nothing to do', async () => {
    const before = await snapshot();
    const run = await finished(await start());
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({
      users: c(0, 0, 0, 4 + FILLERS),
      organizations: c(0, 0, 0, 3),
      members: c(0, 0, 0, 3),
      installations: c(0, 0, 0, 2),
      repositories: c(0, 0, 0, 4),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('runs once when asked twice at the same moment: one 202, one 409', async () => {
    // A rate-limited first page keeps the first run busy for a second.
    clerk.fail(/^\/v1\/users\?/, 429, { retryAfter: 1 });
    const answers = await Promise.all([
      as(t, admin.id).post('/reconciliations'),
      as(t, admin.id).post('/reconciliations'),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error).toBe('RECONCILIATION_RUNNING');
    const runId = answers.find((a) => a.status === 202)!.body.id as string;
    // Progress is readable while it runs.
    const running = await as(t, admin.id).get(`/reconciliations/${runId}`);
    expect(running.body).toMatchObject({ status: 'running', finishedAt: null });
    expect((await finished(runId)).status).toBe('succeeded');
  });

  it('a source failing mid-run ends the run failed with its reason, and deletes nothing unread', async () => {
    const before = await snapshot();
    // A user new in Clerk on the first page, and one gone from Clerk: the second page fails.
    const listed = [...clerk.users.values()];
    clerk.users.clear();
    for (const user of [stubUser('user_rec_late', T2), ...listed]) clerk.addUser(user);
    clerk.users.delete('user_rec_f0001');
    clerk.fail(/^\/v1\/users\?.*offset=500/, 422, { times: Infinity });
    try {
      const run = await finished(await start());
      expect(run.status).toBe('failed');
      expect(run.errors).toContainEqual({
        source: 'clerk',
        kind: 'failed',
        message: 'Clerk call failed: user list (Clerk answered 422)',
      });
      // GitHub still ran.
      expect(run.counts.installations.unchanged).toBe(2);
    } finally {
      clerk.clearFaults();
    }
    const after = await snapshot();
    // The first page's repair committed; nothing was deleted from an incomplete list.
    const late = after.users.find((u) => u.id === 'user_rec_late');
    expect(late).toMatchObject({ deleted: false });
    expect(after.users.filter((u) => u.id !== 'user_rec_late')).toEqual(before.users);
    expect(after.organizations).toEqual(before.organizations);
    expect(after.members).toEqual(before.members);
  });

  it('takes over a run whose process died, and lists runs newest first in pages', async () => {
    await t.db.insert(reconciliationRuns).values({
      id: 'rec_abandoned',
      status: 'running',
      trigger: 'request',
      counts: {},
      startedAt: new Date(Date.now() - 3600_000),
      heartbeatAt: new Date(Date.now() - 3600_000),
    });
    const run = await finished(await start('?dryRun=true'));
    expect(run.status).toBe('succeeded');
    const [abandoned] = await t.db
      .select()
      .from(reconciliationRuns)
      .where(eq(reconciliationRuns.id, 'rec_abandoned'));
    expect(abandoned.status).toBe('failed');
    expect(abandoned.errors).toEqual([expect.objectContaining({ source: 'run', kind: 'failed' })]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(t, admin.id).get(
        `/reconciliations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((r: Run) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen[0]).toBe(run.id);
    expect(seen.at(-1)).toBe('rec_abandoned');
    expect(seen).toHaveLength(7);
  });

  it('on its schedule, starts a run only once the interval has passed since the last one', async () => {
    const reconciliations = t.app.get(ReconciliationsService);
    const count = async () => (await t.db.select().from(reconciliationRuns)).length;
    const before = await count();
    await reconciliations.startIfDue(360);
    expect(await count()).toBe(before);
    await t.db.update(reconciliationRuns).set({ startedAt: new Date(Date.now() - 361 * 60_000) });
    await reconciliations.startIfDue(360);
    const [latest] = await t.db
      .select()
      .from(reconciliationRuns)
      .orderBy(desc(reconciliationRuns.startedAt))
      .limit(1);
    expect(latest).toMatchObject({ trigger: 'schedule', dryRun: false });
    expect((await finished(latest.id)).status).toBe('succeeded');
  });

  it('a run in hand when its instance stops is recorded failed, saying so', async () => {
    // Held for a second by a rate-limited page, while the instance's shutdown hook runs.
    clerk.fail(/^\/v1\/users\?/, 429, { retryAfter: 1 });
    const id = await start();
    await t.app.get(ReconciliationsService).beforeApplicationShutdown();
    const [row] = await t.db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id));
    expect(row.status).toBe('failed');
    expect(row.errors).toContainEqual({
      source: 'clerk',
      kind: 'failed',
      message: 'the instance stopped during the run',
    });
  });

  it('answers 404 RECONCILIATION_NOT_FOUND for an unknown run', async () => {
    const res = await as(t, admin.id).get('/reconciliations/rec_nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('RECONCILIATION_NOT_FOUND');
  });
});

describe('reconciliation without credentials', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('skips both sources and says so', async () => {
    const admin = await makeUser(t.db, { isAdmin: true });
    const started = await as(t, admin.id).post('/reconciliations');
    expect(started.status).toBe(202);
    let run: Run;
    do {
      run = (await as(t, admin.id).get(`/reconciliations/${started.body.id}`)).body as Run;
    } while (run.status === 'running' && (await sleep(20), true));
    expect(run.status).toBe('succeeded');
    expect(run.errors.map((e) => `${e.source} ${e.kind}`)).toEqual([
      'clerk skipped',
      'github skipped',
    ]);
  });
});
