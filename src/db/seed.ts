import { and, eq, sql } from 'drizzle-orm';
import { INVITATION_LIFETIME_DAYS } from '../invitations/invitation-status';
import type { Database } from './database';
import {
  githubInstallationRepositories,
  githubInstallations,
  invitations,
  organizationMembers,
  organizations,
  users,
} from './schema';

const photo = (name: string) => `https://avatars.example.com/${name}.png`;

export const SEED_USERS = [
  {
    id: 'user_admin',
    email: 'admin@example.com',
    firstName: 'Ada',
    lastName: 'Admin',
    isAdmin: true,
  },
  {
    id: 'user_alice',
    email: 'alice@acme.test',
    firstName: 'Alice',
    lastName: 'Anders',
    isAdmin: false,
  },
  { id: 'user_bob', email: 'bob@acme.test', firstName: 'Bob', lastName: 'Brown', isAdmin: false },
  {
    id: 'user_carol',
    email: 'carol@globex.test',
    firstName: 'Carol',
    lastName: 'Chen',
    isAdmin: false,
  },
].map((user) => ({ ...user, photoUrl: photo(user.firstName.toLowerCase()) }));

export const SEED_ORGANIZATIONS = [
  { id: 'org_acme', name: 'Acme Inc.', plan: 'PRO' },
  { id: 'org_globex', name: 'Globex Corporation', plan: 'FREE' },
];

const SEED_MEMBERS = [
  { organizationId: 'org_acme', userId: 'user_alice', role: 'admin' },
  { organizationId: 'org_acme', userId: 'user_bob', role: 'member' },
  { organizationId: 'org_globex', userId: 'user_carol', role: 'admin' },
  { organizationId: 'org_globex', userId: 'user_bob', role: 'member' },
];

const SEED_INSTALLATION = { id: '1001', organizationId: 'org_acme' };
const SEED_REPOSITORIES = [
  { id: '2001', installationId: '1001', name: 'acme/api' },
  { id: '2002', installationId: '1001', name: 'acme/web' },
  { id: '2003', installationId: '1001', name: 'acme/infra' },
];

/** Alice (admin of Acme) has invited Carol, a stranger to Acme, who has not answered yet. */
export const SEED_INVITATION = {
  id: 'inv_seed_carol_acme',
  organizationId: 'org_acme',
  email: 'carol@globex.test',
  role: 'member',
  invitedBy: 'user_alice',
};

/** Demo data; running it again changes nothing (rows are matched by their fixed ids). */
export async function seed(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(users).values(SEED_USERS).onConflictDoNothing();
    await tx.insert(organizations).values(SEED_ORGANIZATIONS).onConflictDoNothing();
    for (const member of SEED_MEMBERS) {
      const [existing] = await tx
        .select({ id: organizationMembers.id })
        .from(organizationMembers)
        .where(
          and(
            eq(organizationMembers.organizationId, member.organizationId),
            eq(organizationMembers.userId, member.userId),
            eq(organizationMembers.deleted, false),
          ),
        );
      if (!existing) await tx.insert(organizationMembers).values(member);
    }
    await tx.insert(githubInstallations).values(SEED_INSTALLATION).onConflictDoNothing();
    await tx.insert(githubInstallationRepositories).values(SEED_REPOSITORIES).onConflictDoNothing();
    // Pending for seven days from the first seed; once answered (or expired) it stays so.
    await tx
      .insert(invitations)
      .values({
        ...SEED_INVITATION,
        expiresAt: sql`now() + make_interval(days => ${INVITATION_LIFETIME_DAYS})`,
      })
      .onConflictDoNothing();
  });
}
