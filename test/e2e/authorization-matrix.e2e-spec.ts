import { eq } from 'drizzle-orm';
import request from 'supertest';
import { ERROR_STATUS, type ErrorCode } from '../../src/common/errors/error-codes';
import { organizations } from '../../src/db/schema';
import { bearer } from '../support/auth';
import { CLERK_SECRET, signClerk, userEvent } from '../support/clerk-events';
import {
  makeInstallation,
  makeInvitation,
  makeMember,
  makeOrganization,
  makeRepository,
  makeTeam,
  makeFailedDelivery,
  makeFinishedReconciliation,
  makeUser,
  nextGithubId,
} from '../support/factories';
import { github, GITHUB_SECRET, signGithub } from '../support/github-events';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Every route × every kind of caller, from one table. The last test compares the table with the
 * routes in the OpenAPI document, so a new route cannot be added without a row here.
 */
type Caller =
  | 'anonymous'
  | 'unprovisioned'
  | 'deletedUser'
  | 'member'
  | 'orgAdmin'
  | 'otherOrgAdmin'
  | 'platformAdmin';
const CALLERS: Caller[] = [
  'anonymous',
  'unprovisioned',
  'deletedUser',
  'member',
  'orgAdmin',
  'otherOrgAdmin',
  'platformAdmin',
];

interface World {
  orgId: string;
  adminUserId: string;
  memberUserId: string;
  memberId: string;
  freshUserId: string;
  installationId: string;
  repositoryId: string;
  freshInstallationId: string;
  /** Pending, to the organization, addressed to the otherOrgAdmin caller. */
  invitationId: string;
  failedDeliveryId: string;
  /** A finished reconciliation run. */
  reconciliationId: string;
}

/**
 * What a caller gets: a success status, or an error status with its code (`'403 FORBIDDEN'`), so
 * a 404 from the wrong layer (a missing route, a tenancy refusal where an entity's 404 was meant)
 * cannot pass for the right one.
 */
type Outcome = 200 | 201 | 202 | 204 | `${(typeof ERROR_STATUS)[ErrorCode]} ${ErrorCode}`;

interface Route {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  url: (w: World) => string;
  body?: (w: World) => object;
  expect: Record<Caller, Outcome>;
}

const publicRoute = (outcome: Outcome): Record<Caller, Outcome> =>
  Object.fromEntries(CALLERS.map((c) => [c, outcome])) as Record<Caller, Outcome>;
const anyUser = (outcome: Outcome): Record<Caller, Outcome> => ({
  anonymous: '401 UNAUTHENTICATED',
  unprovisioned: '403 USER_NOT_PROVISIONED',
  deletedUser: '403 USER_NOT_PROVISIONED',
  member: outcome,
  orgAdmin: outcome,
  otherOrgAdmin: outcome,
  platformAdmin: outcome,
});
const platformOnly = (outcome: Outcome) => ({
  ...anyUser('403 FORBIDDEN'),
  platformAdmin: outcome,
});
const inOrg = (member: Outcome, orgAdmin: Outcome, platformAdmin: Outcome) => ({
  ...anyUser('404 ORGANIZATION_NOT_FOUND'),
  member,
  orgAdmin,
  platformAdmin,
});
/** An org-scoped route that members may not use: 403 FORBIDDEN for them. */
const FORBIDDEN = '403 FORBIDDEN';

const ROUTES: Route[] = [
  { method: 'get', path: '/health', url: () => '/health', expect: publicRoute(200) },
  { method: 'get', path: '/health/ready', url: () => '/health/ready', expect: publicRoute(200) },
  { method: 'get', path: '/users/me', url: () => '/users/me', expect: anyUser(200) },
  {
    method: 'patch',
    path: '/users/me',
    url: () => '/users/me',
    body: () => ({ firstName: 'Matrix' }),
    expect: anyUser(200),
  },
  { method: 'get', path: '/users', url: () => '/users', expect: platformOnly(200) },
  {
    method: 'post',
    path: '/users',
    url: () => '/users',
    body: () => ({
      id: `user_new_${Math.random().toString(36).slice(2)}`,
      email: 'new@matrix.test',
      firstName: 'N',
      lastName: 'U',
      photoUrl: 'https://img.test/n.png',
    }),
    expect: platformOnly(201),
  },
  {
    method: 'get',
    path: '/users/:userId',
    url: (w) => `/users/${w.adminUserId}`,
    expect: { ...anyUser(200), otherOrgAdmin: '404 USER_NOT_FOUND' },
  },
  {
    method: 'patch',
    path: '/users/:userId',
    url: (w) => `/users/${w.freshUserId}`,
    body: () => ({ lastName: 'Changed' }),
    expect: platformOnly(200),
  },
  {
    method: 'delete',
    path: '/users/:userId',
    url: (w) => `/users/${w.freshUserId}`,
    expect: platformOnly(204),
  },
  {
    method: 'post',
    path: '/users/:userId/restore',
    url: (w) => `/users/${w.freshUserId}/restore`,
    expect: platformOnly(200),
  },
  {
    method: 'post',
    path: '/organizations',
    url: () => '/organizations',
    body: () => ({ name: 'Matrix Inc.' }),
    expect: anyUser(201),
  },
  { method: 'get', path: '/organizations', url: () => '/organizations', expect: anyUser(200) },
  {
    method: 'get',
    path: '/organizations/:orgId',
    url: (w) => `/organizations/${w.orgId}`,
    expect: inOrg(200, 200, 200),
  },
  {
    method: 'patch',
    path: '/organizations/:orgId',
    url: (w) => `/organizations/${w.orgId}`,
    body: () => ({ name: 'Renamed' }),
    expect: inOrg(FORBIDDEN, 200, 200),
  },
  {
    method: 'delete',
    path: '/organizations/:orgId',
    url: (w) => `/organizations/${w.orgId}`,
    expect: inOrg(FORBIDDEN, 204, 204),
  },
  {
    method: 'post',
    path: '/organizations/:orgId/restore',
    url: (w) => `/organizations/${w.orgId}/restore`,
    expect: inOrg(FORBIDDEN, FORBIDDEN, 200),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/members',
    url: (w) => `/organizations/${w.orgId}/members`,
    expect: inOrg(200, 200, 200),
  },
  {
    method: 'post',
    path: '/organizations/:orgId/members',
    url: (w) => `/organizations/${w.orgId}/members`,
    body: (w) => ({ userId: w.freshUserId, role: 'member' }),
    expect: inOrg(FORBIDDEN, FORBIDDEN, 201),
  },
  {
    method: 'patch',
    path: '/organizations/:orgId/members/:memberId',
    url: (w) => `/organizations/${w.orgId}/members/${w.memberId}`,
    body: () => ({ role: 'admin' }),
    expect: inOrg(FORBIDDEN, 200, 200),
  },
  {
    // The member removing themselves is leaving, which members may do.
    method: 'delete',
    path: '/organizations/:orgId/members/:memberId',
    url: (w) => `/organizations/${w.orgId}/members/${w.memberId}`,
    expect: inOrg(204, 204, 204),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/github/installations',
    url: (w) => `/organizations/${w.orgId}/github/installations`,
    expect: inOrg(200, 200, 200),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/github/install-url',
    url: (w) => `/organizations/${w.orgId}/github/install-url`,
    expect: inOrg(FORBIDDEN, 200, 200),
  },
  {
    // By id alone: org admins must prove control through GitHub (403), platform admins need not.
    method: 'post',
    path: '/organizations/:orgId/github/installations',
    url: (w) => `/organizations/${w.orgId}/github/installations`,
    body: (w) => ({ installationId: w.freshInstallationId }),
    expect: inOrg(FORBIDDEN, '403 INSTALLATION_NOT_VERIFIED', 201),
  },
  {
    method: 'delete',
    path: '/organizations/:orgId/github/installations/:installationId',
    url: (w) => `/organizations/${w.orgId}/github/installations/${w.installationId}`,
    expect: inOrg(FORBIDDEN, 204, 204),
  },
  {
    // No GitHub App credentials in this app: those allowed through get 503.
    method: 'post',
    path: '/organizations/:orgId/github/installations/:installationId/sync',
    url: (w) => `/organizations/${w.orgId}/github/installations/${w.installationId}/sync`,
    expect: inOrg(FORBIDDEN, '503 GITHUB_APP_NOT_CONFIGURED', '503 GITHUB_APP_NOT_CONFIGURED'),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/github/repositories',
    url: (w) => `/organizations/${w.orgId}/github/repositories`,
    expect: inOrg(200, 200, 200),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/github/repositories/:repositoryId',
    url: (w) => `/organizations/${w.orgId}/github/repositories/${w.repositoryId}`,
    expect: inOrg(200, 200, 200),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/audit-events',
    url: (w) => `/organizations/${w.orgId}/audit-events`,
    expect: inOrg(FORBIDDEN, 200, 200),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/invitations',
    url: (w) => `/organizations/${w.orgId}/invitations`,
    expect: inOrg(FORBIDDEN, 200, 200),
  },
  {
    method: 'post',
    path: '/organizations/:orgId/invitations',
    url: (w) => `/organizations/${w.orgId}/invitations`,
    body: () => ({
      email: `new.${Math.random().toString(36).slice(2)}@matrix.test`,
      role: 'member',
    }),
    expect: inOrg(FORBIDDEN, 201, 201),
  },
  {
    method: 'delete',
    path: '/organizations/:orgId/invitations/:invitationId',
    url: (w) => `/organizations/${w.orgId}/invitations/${w.invitationId}`,
    expect: inOrg(FORBIDDEN, 204, 204),
  },
  {
    method: 'get',
    path: '/users/me/invitations',
    url: () => '/users/me/invitations',
    expect: anyUser(200),
  },
  {
    // Only the invitee may answer; to everyone else the invitation does not exist.
    method: 'post',
    path: '/users/me/invitations/:invitationId/accept',
    url: (w) => `/users/me/invitations/${w.invitationId}/accept`,
    expect: { ...anyUser('404 INVITATION_NOT_FOUND'), otherOrgAdmin: 201 },
  },
  {
    method: 'post',
    path: '/users/me/invitations/:invitationId/decline',
    url: (w) => `/users/me/invitations/${w.invitationId}/decline`,
    expect: { ...anyUser('404 INVITATION_NOT_FOUND'), otherOrgAdmin: 200 },
  },
  // generate:module matrix rows
  {
    method: 'post',
    path: '/webhooks/github',
    url: () => '/webhooks/github',
    body: () => ({ zen: 'unsigned' }),
    expect: publicRoute('401 INVALID_SIGNATURE'),
  },
  {
    method: 'get',
    path: '/webhook-deliveries',
    url: () => '/webhook-deliveries',
    expect: platformOnly(200),
  },
  {
    method: 'get',
    path: '/webhook-deliveries/:deliveryId',
    url: (w) => `/webhook-deliveries/${w.failedDeliveryId}`,
    expect: platformOnly(200),
  },
  {
    method: 'post',
    path: '/webhook-deliveries/:deliveryId/replay',
    url: (w) => `/webhook-deliveries/${w.failedDeliveryId}/replay`,
    expect: platformOnly(202),
  },
  {
    method: 'post',
    path: '/reconciliations',
    url: () => '/reconciliations?dryRun=true',
    expect: platformOnly(202),
  },
  {
    method: 'get',
    path: '/reconciliations',
    url: () => '/reconciliations',
    expect: platformOnly(200),
  },
  {
    method: 'get',
    path: '/reconciliations/:reconciliationId',
    url: (w) => `/reconciliations/${w.reconciliationId}`,
    expect: platformOnly(200),
  },
  // Webhooks authenticate by signature, whoever the caller: unsigned is 401 for everyone.
  {
    method: 'post',
    path: '/webhooks/clerk',
    url: () => '/webhooks/clerk',
    body: () => ({ type: 'user.created', data: {} }),
    expect: publicRoute('401 INVALID_SIGNATURE'),
  },
];

describe('authorization matrix', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET,
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
        GITHUB_APP_SLUG: 'matrix-app',
      },
    });
  });
  afterAll(() => t.close());

  /** Fresh fixtures per cell: a write in one cell must not change the next one's outcome. */
  async function arrange(caller: Caller): Promise<{ world: World; callerId?: string }> {
    const team = await makeTeam(t.db);
    const installation = await makeInstallation(t.db, team.org.id);
    const repository = await makeRepository(t.db, installation.id);
    // An admin of another organization, invited to this one: a pending invitation grants nothing.
    const invitee = await makeUser(t.db);
    const invitation = await makeInvitation(t.db, team.org.id, invitee.email);
    const world: World = {
      orgId: team.org.id,
      adminUserId: team.admin.id,
      memberUserId: team.member.id,
      memberId: team.memberMembership.id,
      freshUserId: (await makeUser(t.db)).id,
      installationId: installation.id,
      repositoryId: repository.id,
      freshInstallationId: String(nextGithubId()),
      invitationId: invitation.id,
      failedDeliveryId: (await makeFailedDelivery(t.db)).id,
      reconciliationId: (await makeFinishedReconciliation(t.db)).id,
    };
    switch (caller) {
      case 'anonymous':
        return { world };
      case 'unprovisioned':
        return { world, callerId: 'user_not_provisioned' };
      case 'deletedUser': {
        const gone = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
        await makeMember(t.db, team.org.id, gone.id, 'admin');
        return { world, callerId: gone.id };
      }
      case 'member':
        return { world, callerId: team.member.id };
      case 'orgAdmin': {
        // A second admin, so removing or demoting someone never trips the last-admin rule.
        await makeMember(t.db, team.org.id, (await makeUser(t.db)).id, 'admin');
        return { world, callerId: team.admin.id };
      }
      case 'otherOrgAdmin':
        await makeMember(t.db, (await makeOrganization(t.db)).id, invitee.id, 'admin');
        return { world, callerId: invitee.id };
      case 'platformAdmin':
        return { world, callerId: (await makeUser(t.db, { isAdmin: true })).id };
    }
  }

  const cells = ROUTES.flatMap((route) =>
    CALLERS.map(
      (caller) =>
        [
          `${route.method.toUpperCase()} ${route.path} as ${caller} → ${route.expect[caller]}`,
          route,
          caller,
        ] as const,
    ),
  );

  it.each(cells)('%s', async (_, route, caller) => {
    const { world, callerId } = await arrange(caller);
    let req = request(t.server)[route.method](route.url(world));
    if (callerId) req = req.set('Authorization', bearer(callerId));
    const res = await (route.body ? req.send(route.body(world)) : req);
    const outcome = route.expect[caller];
    const [status, error] = typeof outcome === 'number' ? [outcome] : outcome.split(' ');
    expect({ status: res.status, error: error && res.body?.error }).toEqual({
      status: Number(status),
      error,
    });
  });

  it('covers every route of the OpenAPI document', async () => {
    const doc = (await request(t.server).get('/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const tabled = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect([...tabled].sort()).toEqual([...documented].sort());
  });
});

describe('an empty PATCH /organizations/:orgId', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is 403 FORBIDDEN for a plain member, like any other PATCH by them, and changes nothing', async () => {
    const team = await makeTeam(t.db);
    const res = await request(t.server)
      .patch(`/organizations/${team.org.id}`)
      .set('Authorization', bearer(team.member.id))
      .send({});
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('FORBIDDEN');
    const [org] = await t.db.select().from(organizations).where(eq(organizations.id, team.org.id));
    expect(org.updatedAt).toEqual(team.org.updatedAt);
  });
});

/**
 * Every failed authentication spends the caller's per-IP budget (RATE_LIMIT_PER_MINUTE): bad
 * tokens, valid tokens of deleted or unknown users, bad webhook signatures. The client address
 * is the socket's, unless the socket is a proxy named in TRUSTED_PROXIES.
 */
describe('failed authentications spend the IP budget (RATE_LIMIT_PER_MINUTE=3)', () => {
  const LIMIT = 3;
  const env = (extra: Record<string, string> = {}) => ({
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    ...extra,
  });

  /** Statuses of `LIMIT + 1` calls, one after the other. */
  async function flood(call: (i: number) => request.Test): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await call(i)).status);
    return statuses;
  }

  describe('behind a trusted proxy (TRUSTED_PROXIES: loopback)', () => {
    let t: TestApp;
    let client = 0;
    /** A client address of its own per test, so tests do not share a budget. */
    const nextClient = () => `198.51.100.${++client}`;

    beforeAll(async () => {
      t = await createTestApp({ env: env({ TRUSTED_PROXIES: '127.0.0.1, ::1' }) });
    });
    afterAll(() => t.close());

    it('a valid token of an unknown user: 403 USER_NOT_PROVISIONED until 429', async () => {
      const ip = nextClient();
      const me = () =>
        request(t.server)
          .get('/users/me')
          .set('X-Forwarded-For', ip)
          .set('Authorization', bearer('user_never_provisioned'));
      expect(await flood(me)).toEqual([403, 403, 403, 429]);
    });

    it('a valid token of a deleted user: 403 USER_NOT_PROVISIONED until 429', async () => {
      const ip = nextClient();
      const gone = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
      const me = () =>
        request(t.server)
          .get('/users/me')
          .set('X-Forwarded-For', ip)
          .set('Authorization', bearer(gone.id));
      const statuses = await flood(me);
      expect(statuses).toEqual([403, 403, 403, 429]);
    });

    it('bad Clerk signatures: 401 until 429; a valid delivery from there still goes through', async () => {
      const ip = nextClient();
      const body = JSON.stringify(userEvent('user.created', { id: `user_${ip}`, updatedAt: 1 }));
      const forged = () =>
        request(t.server)
          .post('/webhooks/clerk')
          .set('X-Forwarded-For', ip)
          .set(signClerk(body, { secret: `whsec_${Buffer.from('wrong').toString('base64')}` }))
          .send(body);
      expect(await flood(forged)).toEqual([401, 401, 401, 429]);
      const valid = await request(t.server)
        .post('/webhooks/clerk')
        .set('X-Forwarded-For', ip)
        .set(signClerk(body))
        .send(body);
      expect(valid.status).toBe(200);
    });

    it('bad GitHub signatures: 401 until 429; a valid delivery from there still goes through', async () => {
      const ip = nextClient();
      const { event, payload } = github.installation('created', nextGithubId());
      const body = JSON.stringify(payload);
      const forgedHeaders = await signGithub(event, body, { secret: 'not-the-secret' });
      const forged = () =>
        request(t.server)
          .post('/webhooks/github')
          .set('X-Forwarded-For', ip)
          .set(forgedHeaders)
          .send(body);
      expect(await flood(forged)).toEqual([401, 401, 401, 429]);
      const valid = await request(t.server)
        .post('/webhooks/github')
        .set('X-Forwarded-For', ip)
        .set(await signGithub(event, body))
        .send(body);
      expect(valid.status).toBe(200);
    });

    it('believes the proxy: each forwarded client has a budget of its own', async () => {
      const clients = [nextClient(), nextClient(), nextClient(), nextClient()];
      const badToken = (i: number) =>
        request(t.server)
          .get('/users/me')
          .set('X-Forwarded-For', `203.0.113.9, ${clients[i]}`)
          .set('Authorization', 'Bearer not.a.token');
      expect(await flood(badToken)).toEqual([401, 401, 401, 401]);
      expect(await flood(() => badToken(0))).toEqual([401, 401, 429, 429]);
    });
  });

  describe.each([
    ['TRUSTED_PROXIES unset', {}],
    ['TRUSTED_PROXIES naming another address', { TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16' }],
  ])('from a peer that is not a trusted proxy (%s)', (_, extra: Record<string, string>) => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ env: env(extra) });
    });
    afterAll(() => t.close());

    it('rotating X-Forwarded-For does not dodge the budget', async () => {
      const badToken = (i: number) =>
        request(t.server)
          .get('/users/me')
          .set('X-Forwarded-For', `203.0.113.${i + 1}`)
          .set('Authorization', 'Bearer not.a.token');
      expect(await flood(badToken)).toEqual([401, 401, 401, 429]);
    });
  });
});
