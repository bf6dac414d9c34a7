import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { aliasedTable, and, count, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { OrgRole } from '../common/auth/principal';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { organizationMembers, organizations, users } from '../db/schema';

/** Membership rows as Clerk reports them, keyed by (organization, user). */
@Injectable()
export class MembershipMirrorRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Serializes every change to one (organization, user) pair until the transaction ends. */
  async lockPair(organizationId: string, userId: string): Promise<void> {
    await this.db.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`${organizationId}/${userId}`}, 0))`,
    );
  }

  async findActive(organizationId: string, userId: string) {
    const [row] = await this.db
      .select()
      .from(organizationMembers)
      .where(this.pair(organizationId, userId, false))
      .limit(1);
    return row;
  }

  /** When the pair's membership last ended, if it ever did. */
  async lastEndedAt(organizationId: string, userId: string): Promise<Date | undefined> {
    const [row] = await this.db
      .select({ deletedAt: organizationMembers.deletedAt })
      .from(organizationMembers)
      .where(this.pair(organizationId, userId, true))
      .orderBy(desc(organizationMembers.deletedAt))
      .limit(1);
    return row?.deletedAt ?? undefined;
  }

  /** A membership as Clerk describes it; `ended` records one that ended before we saw it. */
  async insert(
    organizationId: string,
    userId: string,
    role: OrgRole,
    createdAt: Date,
    clerkUpdatedAt: Date,
    ended = false,
  ): Promise<string> {
    const [row] = await this.db
      .insert(organizationMembers)
      .values({
        organizationId,
        userId,
        role,
        createdAt,
        clerkUpdatedAt,
        deleted: ended,
        deletedAt: ended ? clerkUpdatedAt : null,
      })
      .returning({ id: organizationMembers.id });
    return row.id;
  }

  async updateRole(memberId: string, role: OrgRole, clerkUpdatedAt: Date): Promise<void> {
    await this.db
      .update(organizationMembers)
      .set({ role, clerkUpdatedAt, updatedAt: new Date() })
      .where(eq(organizationMembers.id, memberId));
  }

  /** Ends the membership as of Clerk's `at`, which later "created" events are compared with. */
  async end(memberId: string, at: Date): Promise<void> {
    await this.db
      .update(organizationMembers)
      .set({ deleted: true, deletedAt: at, clerkUpdatedAt: at, updatedAt: new Date() })
      .where(eq(organizationMembers.id, memberId));
  }

  /** Every membership row of these organizations, ended ones too. */
  membershipsOf(organizationIds: string[]) {
    if (organizationIds.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(organizationMembers)
      .where(inArray(organizationMembers.organizationId, organizationIds));
  }

  /** Active admins of the organization whose user is active too. */
  async countActiveAdmins(organizationId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(organizationMembers)
      .innerJoin(users, and(eq(users.id, organizationMembers.userId), eq(users.deleted, false)))
      .where(
        and(
          eq(organizationMembers.organizationId, organizationId),
          eq(organizationMembers.deleted, false),
          eq(organizationMembers.role, 'admin'),
        ),
      );
    return Number(row.n);
  }

  /**
   * The user's admin memberships of active organizations in which nobody else is an active
   * admin: the organizations a deletion of this user leaves without one.
   */
  async soleAdminMemberships(userId: string) {
    const other = aliasedTable(organizationMembers, 'other');
    return this.db
      .select({ id: organizationMembers.id, organizationId: organizationMembers.organizationId })
      .from(organizationMembers)
      .innerJoin(
        organizations,
        and(
          eq(organizations.id, organizationMembers.organizationId),
          eq(organizations.deleted, false),
        ),
      )
      .where(
        and(
          eq(organizationMembers.userId, userId),
          eq(organizationMembers.deleted, false),
          eq(organizationMembers.role, 'admin'),
          sql`not exists (${this.db
            .select({ one: sql`1` })
            .from(other)
            .innerJoin(users, and(eq(users.id, other.userId), eq(users.deleted, false)))
            .where(
              and(
                eq(other.organizationId, organizationMembers.organizationId),
                ne(other.id, organizationMembers.id),
                eq(other.deleted, false),
                eq(other.role, 'admin'),
              ),
            )})`,
        ),
      );
  }

  private pair(organizationId: string, userId: string, deleted: boolean) {
    return and(
      eq(organizationMembers.organizationId, organizationId),
      eq(organizationMembers.userId, userId),
      eq(organizationMembers.deleted, deleted),
    );
  }
}
