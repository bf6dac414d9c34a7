import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { activeUnless, Keyset } from '../db/keyset';
import { NewUser, User, users } from '../db/schema';

export interface UserListFilter {
  email?: string;
  includeDeleted?: boolean;
}

const usersOrder = Keyset.byCreatedAt(users, 'oldestFirst');

/** A user as Clerk describes it. */
export type MirroredUser = Pick<User, 'id' | 'email' | 'firstName' | 'lastName' | 'photoUrl'>;

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

  /** These users in any state (an id not listed is unknown). */
  findMany(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.select().from(users).where(inArray(users.id, ids));
  }

  /**
   * Ids of active users Clerk described before `before`, by id after `afterId`: the rows a
   * reconciliation may find gone from Clerk. Rows made here (no Clerk version) are never listed.
   */
  async clerkIdsAfter(afterId: string | undefined, before: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.deleted, false),
          isNotNull(users.clerkUpdatedAt),
          lt(users.clerkUpdatedAt, before),
          afterId === undefined ? undefined : gt(users.id, afterId),
        ),
      )
      .orderBy(asc(users.id))
      .limit(limit);
    return rows.map((row) => row.id);
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

  /**
   * Clerk's view of a user, applied only when Clerk's version is newer than the one stored and
   * the user is not deleted: a late or repeated event changes nothing, and a local edit (which
   * moves `updatedAt`, not `clerkUpdatedAt`) never makes a later event look old.
   */
  async mirror(user: MirroredUser, createdAt: Date, clerkUpdatedAt: Date): Promise<void> {
    await this.db
      .insert(users)
      .values({ ...user, createdAt, clerkUpdatedAt })
      .onConflictDoUpdate({
        target: users.id,
        set: {
          email: sql`excluded.email`,
          firstName: sql`excluded.first_name`,
          lastName: sql`excluded.last_name`,
          photoUrl: sql`excluded.photo_url`,
          clerkUpdatedAt: sql`excluded.clerk_updated_at`,
          updatedAt: new Date(),
        },
        where: and(
          eq(users.deleted, false),
          or(
            isNull(users.clerkUpdatedAt),
            lt(users.clerkUpdatedAt, sql`excluded.clerk_updated_at`),
          ),
        ),
      });
  }

  /**
   * A row Clerk has not described yet (seen only inside a membership). With no Clerk version,
   * the user's own created/updated event, whenever it comes, replaces it.
   */
  async insertPlaceholder(user: MirroredUser): Promise<void> {
    await this.db.insert(users).values(user).onConflictDoNothing();
  }

  /**
   * Soft delete; true when an active user was deleted. For an unknown id a deleted tombstone,
   * so a late "created" cannot revive it.
   */
  async mirrorDeletion(id: string, at: Date): Promise<boolean> {
    const deleted = await this.db
      .update(users)
      .set({ deleted: true, deletedAt: at, updatedAt: new Date() })
      .where(and(eq(users.id, id), eq(users.deleted, false)))
      .returning({ id: users.id });
    if (deleted.length > 0) return true;
    await this.db
      .insert(users)
      .values({
        id,
        email: '',
        firstName: '',
        lastName: '',
        photoUrl: '',
        deleted: true,
        deletedAt: at,
        clerkUpdatedAt: at,
      })
      .onConflictDoNothing();
    return false;
  }
}
