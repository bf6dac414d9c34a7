import request from 'supertest';
import { bearer } from '../support/auth';
import { CLERK_SECRET } from '../support/clerk-events';
import {
  makeInstallation,
  makeInvitation,
  makeMember,
  makeOrganization,
  makeRepository,
  makeTeam,
  makeUser,
  nextGithubId,
} from '../support/factories';
import { GITHUB_SECRET } from '../support/github-events';
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
}

interface Route {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  url: (w: World) => string;
  body?: (w: World) => object;
  expect: Record<Caller, number>;
}

const publicRoute = (status: number): Record<Caller, number> =>
  Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
const anyUser = (status: number) => ({
  anonymous: 401,
  unprovisioned: 403,
  deletedUser: 403,
  member: status,
  orgAdmin: status,
  otherOrgAdmin: status,
  platformAdmin: status,
});
const platformOnly = (status: number) => ({ ...anyUser(403), platformAdmin: status });
const inOrg = (member: number, orgAdmin: number, platformAdmin: number) => ({
  ...anyUser(404),
  member,
  orgAdmin,
  platformAdmin,
});

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
    expect: { ...anyUser(200), otherOrgAdmin: 404 },
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
    expect: inOrg(403, 200, 200),
  },
  {
    method: 'delete',
    path: '/organizations/:orgId',
    url: (w) => `/organizations/${w.orgId}`,
    expect: inOrg(403, 204, 204),
  },
  {
    method: 'post',
    path: '/organizations/:orgId/restore',
    url: (w) => `/organizations/${w.orgId}/restore`,
    expect: inOrg(403, 403, 200),
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
    expect: inOrg(403, 403, 201),
  },
  {
    method: 'patch',
    path: '/organizations/:orgId/members/:memberId',
    url: (w) => `/organizations/${w.orgId}/members/${w.memberId}`,
    body: () => ({ role: 'admin' }),
    expect: inOrg(403, 200, 200),
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
    method: 'post',
    path: '/organizations/:orgId/github/installations',
    url: (w) => `/organizations/${w.orgId}/github/installations`,
    body: (w) => ({ installationId: w.freshInstallationId }),
    expect: inOrg(403, 201, 201),
  },
  {
    method: 'delete',
    path: '/organizations/:orgId/github/installations/:installationId',
    url: (w) => `/organizations/${w.orgId}/github/installations/${w.installationId}`,
    expect: inOrg(403, 204, 204),
  },
  {
    // No GitHub App credentials in this app: those allowed through get 503.
    method: 'post',
    path: '/organizations/:orgId/github/installations/:installationId/sync',
    url: (w) => `/organizations/${w.orgId}/github/installations/${w.installationId}/sync`,
    expect: inOrg(403, 503, 503),
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
    expect: inOrg(403, 200, 200),
  },
  {
    method: 'get',
    path: '/organizations/:orgId/invitations',
    url: (w) => `/organizations/${w.orgId}/invitations`,
    expect: inOrg(403, 200, 200),
  },
  {
    method: 'post',
    path: '/organizations/:orgId/invitations',
    url: (w) => `/organizations/${w.orgId}/invitations`,
    body: () => ({
      email: `new.${Math.random().toString(36).slice(2)}@matrix.test`,
      role: 'member',
    }),
    expect: inOrg(403, 201, 201),
  },
  {
    method: 'delete',
    path: '/organizations/:orgId/invitations/:invitationId',
    url: (w) => `/organizations/${w.orgId}/invitations/${w.invitationId}`,
    expect: inOrg(403, 204, 204),
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
    expect: { ...anyUser(404), otherOrgAdmin: 201 },
  },
  {
    method: 'post',
    path: '/users/me/invitations/:invitationId/decline',
    url: (w) => `/users/me/invitations/${w.invitationId}/decline`,
    expect: { ...anyUser(404), otherOrgAdmin: 200 },
  },
  // generate:module matrix rows
  {
    method: 'post',
    path: '/webhooks/github',
    url: () => '/webhooks/github',
    body: () => ({ zen: 'unsigned' }),
    expect: publicRoute(401),
  },
  // Webhooks authenticate by signature, whoever the caller: unsigned is 401 for everyone.
  {
    method: 'post',
    path: '/webhooks/clerk',
    url: () => '/webhooks/clerk',
    body: () => ({ type: 'user.created', data: {} }),
    expect: publicRoute(401),
  },
];

describe('authorization matrix', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET, GITHUB_WEBHOOK_SECRET: GITHUB_SECRET },
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
    expect({ status: res.status, body: res.body }).toEqual({
      status: route.expect[caller],
      body: expect.anything(),
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
