import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, asc, eq, getTableColumns, gt, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { activeUnless, Keyset } from '../db/keyset';
import { NewOrganization, Organization, organizationMembers, organizations } from '../db/schema';

const organizationsOrder = Keyset.byCreatedAt(organizations, 'oldestFirst');

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Undefined when the id is taken (ON CONFLICT keeps the transaction usable). */
  async insert(org: NewOrganization): Promise<Organization | undefined> {
    const [created] = await this.db
      .insert(organizations)
      .values(org)
      .onConflictDoNothing()
      .returning();
    return created;
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

  async listAll(request: PageRequest, includeDeleted = false): Promise<Page<Organization>> {
    const rows = await this.db
      .select()
      .from(organizations)
      .where(
        and(activeUnless(organizations, includeDeleted), organizationsOrder.after(request.cursor)),
      )
      .orderBy(...organizationsOrder.orderBy)
      .limit(request.limit + 1);
    return organizationsOrder.page(rows, request);
  }

  /** The active organizations the user is an active member of. */
  async listForUser(userId: string, request: PageRequest): Promise<Page<Organization>> {
    const rows = await this.db
      .select(getTableColumns(organizations))
      .from(organizations)
      .innerJoin(
        organizationMembers,
        and(
          eq(organizationMembers.organizationId, organizations.id),
          eq(organizationMembers.userId, userId),
          eq(organizationMembers.deleted, false),
        ),
      )
      .where(and(eq(organizations.deleted, false), organizationsOrder.after(request.cursor)))
      .orderBy(...organizationsOrder.orderBy)
      .limit(request.limit + 1);
    return organizationsOrder.page(rows, request);
  }

  /** The active organization, locked until the transaction ends (changes read it first). */
  async findForUpdate(id: string): Promise<Organization | undefined> {
    const [row] = await this.db
      .select()
      .from(organizations)
      .where(and(eq(organizations.id, id), eq(organizations.deleted, false)))
      .for('update');
    return row;
  }

  async update(
    id: string,
    changes: Partial<Pick<Organization, 'name' | 'plan'>>,
  ): Promise<Organization | undefined> {
    const [updated] = await this.db
      .update(organizations)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(organizations.id, id), eq(organizations.deleted, false)))
      .returning();
    return updated;
  }

  async softDelete(id: string): Promise<void> {
    const now = new Date();
    await this.db
      .update(organizations)
      .set({ deleted: true, deletedAt: now, updatedAt: now })
      .where(eq(organizations.id, id));
  }

  async restore(id: string): Promise<Organization | undefined> {
    const [restored] = await this.db
      .update(organizations)
      .set({ deleted: false, deletedAt: null, updatedAt: new Date() })
      .where(eq(organizations.id, id))
      .returning();
    return restored;
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
  async insertMirrored(
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

  async updateMirrored(id: string, name: string, clerkUpdatedAt: Date): Promise<void> {
    await this.db
      .update(organizations)
      .set({ name, clerkUpdatedAt, updatedAt: new Date() })
      .where(eq(organizations.id, id));
  }

  /**
   * Soft delete; true when an active organization was deleted. For an unknown id a deleted
   * tombstone, so a late "created" cannot revive it.
   */
  async mirrorDeletion(id: string, at: Date): Promise<boolean> {
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
