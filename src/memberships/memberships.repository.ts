import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { aliasedTable, and, asc, count, eq, exists, inArray, ne, not, SQL, sql } from 'drizzle-orm';
import type { OrgRole } from '../common/auth/principal';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { Database } from '../db/database';
import { Keyset } from '../db/keyset';
import { ReusableQuery } from '../db/reusable-query';
import { organizationMembers, organizations, users } from '../db/schema';

export interface MemberWithUser {
  id: string;
  organizationId: string;
  userId: string;
  role: OrgRole;
  createdAt: Date;
  updatedAt: Date;
  user: { id: string; email: string; firstName: string; lastName: string; photoUrl: string };
}

const memberColumns = {
  id: organizationMembers.id,
  organizationId: organizationMembers.organizationId,
  userId: organizationMembers.userId,
  role: sql<OrgRole>`${organizationMembers.role}`,
  createdAt: organizationMembers.createdAt,
  updatedAt: organizationMembers.updatedAt,
  user: {
    id: users.id,
    email: users.email,
    firstName: users.firstName,
    lastName: users.lastName,
    photoUrl: users.photoUrl,
  },
};

const membersOrder = Keyset.byCreatedAt(organizationMembers, 'oldestFirst');

/** Active members of active users: a deleted user's membership is invisible and powerless. */
const activeMember = and(eq(organizationMembers.deleted, false), eq(users.deleted, false));

// The members list is the busiest read, so both its shapes are built once.
const membersPage = (db: Database, after?: SQL) =>
  db
    .select(memberColumns)
    .from(organizationMembers)
    .leftJoin(users, eq(organizationMembers.userId, users.id))
    .where(
      and(
        eq(organizationMembers.organizationId, sql.placeholder('organizationId')),
        activeMember,
        after,
      ),
    )
    .orderBy(...membersOrder.orderBy)
    .limit(sql.placeholder('limit'));
const membersQuery = new ReusableQuery((db) => membersPage(db));
const membersAfterCursorQuery = new ReusableQuery((db) =>
  membersPage(db, membersOrder.afterPlaceholders()),
);

// Every GET /users/me runs this.
const organizationsOfQuery = new ReusableQuery((db) =>
  db
    .select({
      id: organizations.id,
      name: organizations.name,
      plan: organizations.plan,
      role: sql<OrgRole>`${organizationMembers.role}`,
    })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizationMembers.organizationId, organizations.id))
    .where(
      and(
        eq(organizationMembers.userId, sql.placeholder('userId')),
        eq(organizationMembers.deleted, false),
        eq(organizations.deleted, false),
      ),
    )
    .orderBy(...membersOrder.orderBy),
);

@Injectable()
export class MembershipsRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Members left-joined with their users, deleted users left out, in (createdAt, id) order. */
  async list(organizationId: string, request: PageRequest): Promise<Page<MemberWithUser>> {
    const values = { organizationId, limit: request.limit + 1 };
    const rows = request.cursor
      ? await membersAfterCursorQuery.run(this.db, {
          ...values,
          ...membersOrder.afterValues(request.cursor),
        })
      : await membersQuery.run(this.db, values);
    return membersOrder.page(rows as MemberWithUser[], request);
  }

  async find(organizationId: string, memberId: string): Promise<MemberWithUser | undefined> {
    const [row] = await this.db
      .select(memberColumns)
      .from(organizationMembers)
      .innerJoin(users, eq(organizationMembers.userId, users.id))
      .where(
        and(
          eq(organizationMembers.id, memberId),
          eq(organizationMembers.organizationId, organizationId),
          activeMember,
        ),
      )
      .limit(1);
    return row;
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
  organizationsOf(userId: string) {
    return organizationsOfQuery.run(this.db, { userId });
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
