import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq, sql } from 'drizzle-orm';
import { organizationMembers, organizations, users } from '../../db/schema';
import { ReusableQuery } from '../../db/reusable-query';
import type { DrizzleAdapter } from '../transaction/transaction-host';
import type { OrgRole, Principal } from './principal';

const activeUser = and(eq(users.id, sql.placeholder('userId')), eq(users.deleted, false));

// Every authenticated request runs one of these two, so they are built once.
const userQuery = new ReusableQuery((db) => db.select().from(users).where(activeUser).limit(1));

const userInOrganizationQuery = new ReusableQuery((db) =>
  db
    .select({
      user: users,
      organization: organizations,
      memberId: organizationMembers.id,
      role: organizationMembers.role,
    })
    .from(users)
    .leftJoin(organizations, eq(organizations.id, sql.placeholder('organizationId')))
    .leftJoin(
      organizationMembers,
      and(
        eq(organizationMembers.organizationId, organizations.id),
        eq(organizationMembers.userId, users.id),
        eq(organizationMembers.deleted, false),
      ),
    )
    .where(activeUser)
    .limit(1),
);

/**
 * Loads the caller in one round trip: the active user and, when the route names an
 * organization, that organization and the caller's active membership of it.
 */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  async load(userId: string, organizationId?: string): Promise<Principal | undefined> {
    if (organizationId === undefined) {
      const [user] = await userQuery.run(this.txHost.tx, { userId });
      return user ? { user } : undefined;
    }
    const [row] = await userInOrganizationQuery.run(this.txHost.tx, { userId, organizationId });
    if (!row) return undefined;
    return {
      user: row.user,
      organization: row.organization ?? undefined,
      membership: row.memberId ? { memberId: row.memberId, role: row.role as OrgRole } : undefined,
    };
  }
}
