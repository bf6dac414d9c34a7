import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq, sql } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { activeUnless, Keyset } from '../db/keyset';
import { NewUser, User, users } from '../db/schema';

export interface UserListFilter {
  email?: string;
  includeDeleted?: boolean;
}

const usersOrder = Keyset.byCreatedAt(users, 'oldestFirst');

export type UserChanges = Partial<
  Pick<User, 'email' | 'firstName' | 'lastName' | 'photoUrl' | 'isAdmin'>
>;

@Injectable()
export class UsersRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  async findById(id: string, includeDeleted = false): Promise<User | undefined> {
    const [user] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.id, id), activeUnless(users, includeDeleted)))
      .limit(1);
    return user;
  }

  async list(filter: UserListFilter, request: PageRequest): Promise<Page<User>> {
    const rows = await this.db
      .select()
      .from(users)
      .where(
        and(
          activeUnless(users, filter.includeDeleted),
          filter.email ? eq(sql`lower(${users.email})`, filter.email.toLowerCase()) : undefined,
          usersOrder.after(request.cursor),
        ),
      )
      .orderBy(...usersOrder.orderBy)
      .limit(request.limit + 1);
    return usersOrder.page(rows, request);
  }

  /** Undefined when the id is taken, by a deleted user too (ON CONFLICT keeps the transaction usable). */
  async insert(user: NewUser): Promise<User | undefined> {
    const [created] = await this.db.insert(users).values(user).onConflictDoNothing().returning();
    return created;
  }

  async update(id: string, changes: UserChanges): Promise<User | undefined> {
    const [updated] = await this.db
      .update(users)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(users.id, id), eq(users.deleted, false)))
      .returning();
    return updated;
  }

  async softDelete(id: string): Promise<boolean> {
    const now = new Date();
    const rows = await this.db
      .update(users)
      .set({ deleted: true, deletedAt: now, updatedAt: now })
      .where(and(eq(users.id, id), eq(users.deleted, false)))
      .returning({ id: users.id });
    return rows.length > 0;
  }

  async restore(id: string): Promise<User | undefined> {
    const [restored] = await this.db
      .update(users)
      .set({ deleted: false, deletedAt: null, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return restored;
  }
}
