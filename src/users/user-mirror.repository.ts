import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { User, users } from '../db/schema';

/** A user as Clerk describes it. */
export type MirroredUser = Pick<User, 'id' | 'email' | 'firstName' | 'lastName' | 'photoUrl'>;

/**
 * Users as Clerk describes them: the SQL of the Clerk mirror (webhooks and reconciliation).
 */
@Injectable()
export class UserMirrorRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
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

  /**
   * Clerk's view of a user, applied only when Clerk's version is newer than the one stored and
   * the user is not deleted: a late or repeated event changes nothing, and a local edit (which
   * moves `updatedAt`, not `clerkUpdatedAt`) never makes a later event look old.
   */
  async upsert(user: MirroredUser, createdAt: Date, clerkUpdatedAt: Date): Promise<void> {
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
  async softDeleteOrTombstone(id: string, at: Date): Promise<boolean> {
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
