import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { aliasedTable, and, asc, count, eq, exists, inArray, ne, not, sql } from 'drizzle-orm';
import type { OrgRole } from '../common/auth/principal';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { rowsOf } from '../db/hot-query';
import { organizationMembers, organizations, users } from '../db/schema';
import {
  activeMember,
  memberById,
  membersOrder,
  membersPage,
  type MemberWithUser,
  organizationsOf,
  readMember,
  readOrganizationOf,
} from './memberships.queries';

export type { MemberWithUser };

@Injectable()
export class MembershipsRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Members with their users, deleted users left out, in (createdAt, id) order. */
  async list(organizationId: string, request: PageRequest): Promise<Page<MemberWithUser>> {
    const result = await this.db.execute(membersPage(organizationId, request));
    return membersOrder.page(rowsOf(result).map(readMember), request);
  }

  async find(organizationId: string, memberId: string): Promise<MemberWithUser | undefined> {
    const [row] = rowsOf(await this.db.execute(memberById(organizationId, memberId)));
    return row ? readMember(row) : undefined;
  }

  async isActiveUser(userId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.deleted, false)))
      .limit(1);
    return row !== undefined;
  }

  /**
   * Undefined when the user already is an active member: the partial unique index decides, so
   * concurrent adds of one user make exactly one row and the transaction stays usable.
   */
  async insert(organizationId: string, userId: string, role: OrgRole): Promise<string | undefined> {
    const [row] = await this.db
      .insert(organizationMembers)
      .values({ organizationId, userId, role })
      .onConflictDoNothing()
      .returning({ id: organizationMembers.id });
    return row?.id;
  }

  async hasMemberWithEmail(organizationId: string, email: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: organizationMembers.id })
      .from(organizationMembers)
      .innerJoin(users, eq(organizationMembers.userId, users.id))
      .where(
        and(
          eq(organizationMembers.organizationId, organizationId),
          activeMember,
          sql`lower(${users.email}) = lower(${email})`,
        ),
      )
      .limit(1);
    return row !== undefined;
  }

  async updateRole(memberId: string, role: OrgRole): Promise<void> {
    await this.db
      .update(organizationMembers)
      .set({ role, updatedAt: new Date() })
      .where(eq(organizationMembers.id, memberId));
  }

  async softDelete(memberId: string): Promise<void> {
    const now = new Date();
    await this.db
      .update(organizationMembers)
      .set({ deleted: true, deletedAt: now, updatedAt: now })
      .where(eq(organizationMembers.id, memberId));
  }

  /**
   * Row lock on the organization: every change that could remove an admin takes it first, so
   * two such changes in one organization run one after the other and each sees the other's result.
   */
  async lockOrganization(organizationId: string): Promise<void> {
    await this.db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .for('update');
  }

  /** The caller's current role, read inside the transaction (after the lock). */
  async roleOf(organizationId: string, userId: string): Promise<OrgRole | undefined> {
    const [row] = await this.db
      .select({ role: organizationMembers.role })
      .from(organizationMembers)
      .where(
        and(
          eq(organizationMembers.organizationId, organizationId),
          eq(organizationMembers.userId, userId),
          eq(organizationMembers.deleted, false),
        ),
      )
      .limit(1);
    return row?.role as OrgRole | undefined;
  }

  async countOtherAdmins(organizationId: string, exceptMemberId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(organizationMembers)
      .innerJoin(users, eq(organizationMembers.userId, users.id))
      .where(
        and(
          eq(organizationMembers.organizationId, organizationId),
          eq(organizationMembers.role, 'admin'),
          ne(organizationMembers.id, exceptMemberId),
          activeMember,
        ),
      );
    return row.n;
  }

  /**
   * Locks (FOR UPDATE, in id order) every active organization where the user is an active
   * admin, then returns those with no other active admin. The lock is the one every change that
   * could remove an admin takes, so the answer holds until the transaction ends.
   */
  async lockOrganizationsAdministeredOnlyBy(
    userId: string,
  ): Promise<{ id: string; name: string }[]> {
    const administered = await this.db
      .select({ id: organizations.id })
      .from(organizations)
      .innerJoin(organizationMembers, eq(organizationMembers.organizationId, organizations.id))
      .innerJoin(users, eq(users.id, organizationMembers.userId))
      .where(
        and(
          eq(organizationMembers.userId, userId),
          eq(organizationMembers.role, 'admin'),
          activeMember,
          eq(organizations.deleted, false),
        ),
      )
      .orderBy(asc(organizations.id))
      .for('update', { of: organizations });
    if (administered.length === 0) return [];
    const otherAdmin = aliasedTable(organizationMembers, 'other_admin');
    const otherUser = aliasedTable(users, 'other_user');
    return this.db
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .where(
        and(
          inArray(
            organizations.id,
            administered.map((row) => row.id),
          ),
          not(
            exists(
              this.db
                .select({ id: otherAdmin.id })
                .from(otherAdmin)
                .innerJoin(otherUser, eq(otherUser.id, otherAdmin.userId))
                .where(
                  and(
                    eq(otherAdmin.organizationId, organizations.id),
                    eq(otherAdmin.role, 'admin'),
                    eq(otherAdmin.deleted, false),
                    eq(otherUser.deleted, false),
                    ne(otherAdmin.userId, userId),
                  ),
                ),
            ),
          ),
        ),
      )
      .orderBy(asc(organizations.id));
  }

  /** The active organizations a user belongs to, with their role, oldest membership first. */
  async organizationsOf(userId: string) {
    return rowsOf(await this.db.execute(organizationsOf(userId))).map(readOrganizationOf);
  }

  /** True when both users are active members of one active organization. */
  async shareAnOrganization(userId: string, otherUserId: string): Promise<boolean> {
    const other = aliasedTable(organizationMembers, 'other_member');
    const [row] = await this.db
      .select({ id: organizationMembers.id })
      .from(organizationMembers)
      .innerJoin(
        other,
        and(
          eq(other.organizationId, organizationMembers.organizationId),
          eq(other.userId, otherUserId),
          eq(other.deleted, false),
        ),
      )
      .innerJoin(
        organizations,
        and(
          eq(organizations.id, organizationMembers.organizationId),
          eq(organizations.deleted, false),
        ),
      )
      .where(and(eq(organizationMembers.userId, userId), eq(organizationMembers.deleted, false)))
      .limit(1);
    return row !== undefined;
  }
}
