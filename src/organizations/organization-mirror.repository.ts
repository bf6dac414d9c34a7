import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, asc, eq, gt, inArray, isNotNull, lt } from 'drizzle-orm';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Organization, organizations } from '../db/schema';

/** Organizations as Clerk describes them: the SQL of the Clerk mirror (webhooks and reconciliation). */
@Injectable()
export class OrganizationMirrorRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** These organizations in any state. */
  findMany(ids: string[]): Promise<Organization[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.select().from(organizations).where(inArray(organizations.id, ids));
  }

  /** Ids of active organizations Clerk described before `before`, by id after `afterId`. */
  async clerkIdsAfter(afterId: string | undefined, before: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: organizations.id })
      .from(organizations)
      .where(
        and(
          eq(organizations.deleted, false),
          isNotNull(organizations.clerkUpdatedAt),
          lt(organizations.clerkUpdatedAt, before),
          afterId === undefined ? undefined : gt(organizations.id, afterId),
        ),
      )
      .orderBy(asc(organizations.id))
      .limit(limit);
    return rows.map((row) => row.id);
  }

  /** The organization in any state, locked until the transaction ends. */
  async findAnyForUpdate(id: string): Promise<Organization | undefined> {
    const [row] = await this.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, id))
      .for('update');
    return row;
  }

  /** A new organization as Clerk describes it; false when the id exists (a concurrent insert). */
  async insert(
    org: { id: string; name: string },
    createdAt: Date,
    clerkUpdatedAt: Date,
  ): Promise<boolean> {
    const rows = await this.db
      .insert(organizations)
      .values({ ...org, plan: 'FREE', createdAt, clerkUpdatedAt })
      .onConflictDoNothing()
      .returning({ id: organizations.id });
    return rows.length > 0;
  }

  async update(id: string, name: string, clerkUpdatedAt: Date): Promise<void> {
    await this.db
      .update(organizations)
      .set({ name, clerkUpdatedAt, updatedAt: new Date() })
      .where(eq(organizations.id, id));
  }

  /**
   * Soft delete; true when an active organization was deleted. For an unknown id a deleted
   * tombstone, so a late "created" cannot revive it.
   */
  async softDelete(id: string, at: Date): Promise<boolean> {
    const deleted = await this.db
      .update(organizations)
      .set({ deleted: true, deletedAt: at, updatedAt: new Date() })
      .where(and(eq(organizations.id, id), eq(organizations.deleted, false)))
      .returning({ id: organizations.id });
    if (deleted.length > 0) return true;
    await this.db
      .insert(organizations)
      .values({ id, name: '', plan: 'FREE', deleted: true, deletedAt: at, clerkUpdatedAt: at })
      .onConflictDoNothing();
    return false;
  }
}
