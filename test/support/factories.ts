import { createHash, randomBytes } from 'node:crypto';
import type { OrgRole } from '../../src/common/auth/principal';
import type { Database } from '../../src/db/database';
import {
  GithubInstallation,
  GithubInstallationRepository,
  githubInstallationRepositories,
  githubInstallations,
  Invitation,
  invitations,
  NewOrganization,
  NewUser,
  Organization,
  OrganizationMember,
  organizationMembers,
  organizations,
  ReconciliationRun,
  reconciliationRuns,
  User,
  users,
  WebhookDelivery,
  webhookDeliveries,
} from '../../src/db/schema';

const unique = () => randomBytes(5).toString('hex');

/** Small factories writing straight to the file's database, bypassing the API. */
export async function makeUser(db: Database, overrides: Partial<NewUser> = {}): Promise<User> {
  const id = overrides.id ?? `user_${unique()}`;
  const [user] = await db
    .insert(users)
    .values({
      id,
      email: `${id}@example.com`,
      firstName: 'Test',
      lastName: 'User',
      photoUrl: 'https://example.com/a.png',
      ...overrides,
    })
    .returning();
  return user;
}

export async function makeOrganization(
  db: Database,
  overrides: Partial<NewOrganization> = {},
): Promise<Organization> {
  const [org] = await db
    .insert(organizations)
    .values({ id: `org_${unique()}`, name: 'Test Org', plan: 'FREE', ...overrides })
    .returning();
  return org;
}

export async function makeMember(
  db: Database,
  organizationId: string,
  userId: string,
  role: OrgRole = 'member',
): Promise<OrganizationMember> {
  const [member] = await db
    .insert(organizationMembers)
    .values({ organizationId, userId, role })
    .returning();
  return member;
}

/** An organization with an admin and a plain member: the usual cast of a tenancy test. */
export async function makeTeam(db: Database) {
  const org = await makeOrganization(db);
  const admin = await makeUser(db);
  const member = await makeUser(db);
  const adminMembership = await makeMember(db, org.id, admin.id, 'admin');
  const memberMembership = await makeMember(db, org.id, member.id, 'member');
  return { org, admin, member, adminMembership, memberMembership };
}

let githubId = 1_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
/** Numeric ids as GitHub makes them, unique within a run. */
export const nextGithubId = () => githubId++;

export async function makeInstallation(
  db: Database,
  organizationId: string,
): Promise<GithubInstallation> {
  const [row] = await db
    .insert(githubInstallations)
    .values({ id: String(nextGithubId()), organizationId })
    .returning();
  return row;
}

export async function makeRepository(
  db: Database,
  installationId: string,
  name = `acme/repo-${unique()}`,
): Promise<GithubInstallationRepository> {
  const [row] = await db
    .insert(githubInstallationRepositories)
    .values({ id: String(nextGithubId()), installationId, name })
    .returning();
  return row;
}

/** A pending invitation, valid for seven days unless `overrides` say otherwise. */
export async function makeInvitation(
  db: Database,
  organizationId: string,
  email: string,
  overrides: Partial<typeof invitations.$inferInsert> = {},
): Promise<Invitation> {
  const [row] = await db
    .insert(invitations)
    .values({
      organizationId,
      email,
      role: 'member',
      expiresAt: new Date(Date.now() + 7 * 24 * 3600_000),
      ...overrides,
    })
    .returning();
  return row;
}

/** A Clerk delivery stored as failed (a payload that did not fit its schema). */
export async function makeFailedDelivery(db: Database): Promise<WebhookDelivery> {
  const body = JSON.stringify({ type: 'user.created', data: { id: 12345 }, n: unique() });
  const [row] = await db
    .insert(webhookDeliveries)
    .values({
      source: 'clerk',
      deliveryId: `msg_${unique()}`,
      event: 'user.created',
      status: 'failed',
      body,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      lastError: 'data.id: Invalid input: expected string, received number',
    })
    .returning();
  return row;
}

/** A reconciliation run that finished with nothing to do. */
export async function makeFinishedReconciliation(db: Database): Promise<ReconciliationRun> {
  const zero = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
  const [row] = await db
    .insert(reconciliationRuns)
    .values({
      status: 'succeeded',
      trigger: 'request',
      dryRun: true,
      counts: {
        users: zero,
        organizations: zero,
        members: zero,
        installations: zero,
        repositories: zero,
      },
      finishedAt: new Date(),
    })
    .returning();
  return row;
}
