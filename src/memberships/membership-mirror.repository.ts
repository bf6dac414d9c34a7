import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { OrgRole } from '../common/auth/principal';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { organizationMembers } from '../db/schema';

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
      .select({ updatedAt: organizationMembers.updatedAt })
      .from(organizationMembers)
      .where(this.pair(organizationId, userId, true))
      .orderBy(desc(organizationMembers.updatedAt))
      .limit(1);
    return row?.updatedAt;
  }

  async insert(
    organizationId: string,
    userId: string,
    role: OrgRole,
    createdAt: Date,
    updatedAt: Date,
    deleted = false,
  ): Promise<void> {
    await this.db.insert(organizationMembers).values({
      organizationId,
      userId,
      role,
      createdAt,
      updatedAt,
      deleted,
      deletedAt: deleted ? updatedAt : null,
    });
  }

  async updateRoleIfOlder(memberId: string, role: OrgRole, updatedAt: Date): Promise<void> {
    await this.db
      .update(organizationMembers)
      .set({ role, updatedAt })
      .where(
        and(eq(organizationMembers.id, memberId), lt(organizationMembers.updatedAt, updatedAt)),
      );
  }

  async end(memberId: string, at: Date): Promise<void> {
    await this.db
      .update(organizationMembers)
      .set({ deleted: true, deletedAt: at, updatedAt: at })
      .where(eq(organizationMembers.id, memberId));
  }

  private pair(organizationId: string, userId: string, deleted: boolean) {
    return and(
      eq(organizationMembers.organizationId, organizationId),
      eq(organizationMembers.userId, userId),
      eq(organizationMembers.deleted, deleted),
    );
  }
}
