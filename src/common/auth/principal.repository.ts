import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq } from 'drizzle-orm';
import { organizationMembers, organizations, users } from '../../db/schema';
import type { DrizzleAdapter } from '../transaction/transaction-host';
import type { OrgRole, Principal } from './principal';

/**
 * Loads the caller in one round trip: the active user and, when the route names an
 * organization, that organization and the caller's active membership of it.
 */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  async load(userId: string, organizationId?: string): Promise<Principal | undefined> {
    const activeUser = and(eq(users.id, userId), eq(users.deleted, false));
    if (organizationId === undefined) {
      const [user] = await this.txHost.tx.select().from(users).where(activeUser).limit(1);
      return user ? { user } : undefined;
    }
    const [row] = await this.txHost.tx
      .select({
        user: users,
        organization: organizations,
        memberId: organizationMembers.id,
        role: organizationMembers.role,
      })
      .from(users)
      .leftJoin(organizations, eq(organizations.id, organizationId))
      .leftJoin(
        organizationMembers,
        and(
          eq(organizationMembers.organizationId, organizations.id),
          eq(organizationMembers.userId, users.id),
          eq(organizationMembers.deleted, false),
        ),
      )
      .where(activeUser)
      .limit(1);
    if (!row) return undefined;
    return {
      user: row.user,
      organization: row.organization ?? undefined,
      membership: row.memberId ? { memberId: row.memberId, role: row.role as OrgRole } : undefined,
    };
  }
}
