import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq, getTableColumns } from 'drizzle-orm';
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
}
