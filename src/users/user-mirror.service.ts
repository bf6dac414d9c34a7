import { Injectable } from '@nestjs/common';
import type { User } from '../db/schema';
import { MirroredUser, UserMirrorRepository } from './user-mirror.repository';

export type { MirroredUser };
import { UsersService } from './users.service';

/**
 * Applies Clerk's view of users (its webhooks and reconciliation). Clerk is the source of truth,
 * ordered by Clerk's own version (`clerkUpdatedAt`), never by local edits: a change older than
 * the stored version is ignored, and a deleted user stays deleted. Each rule is one statement,
 * so it lives in the repository's SQL; the organization and membership mirrors have the same
 * shape (`apply`, `remove`).
 */
@Injectable()
export class UserMirrorService {
  constructor(
    private readonly mirror: UserMirrorRepository,
    private readonly users: UsersService,
  ) {}

  /** Clerk's view of a user; ignored when older than Clerk's stored version or deleted. */
  apply(user: MirroredUser, createdAt: Date, clerkUpdatedAt: Date): Promise<void> {
    return this.mirror.upsert(user, createdAt, clerkUpdatedAt);
  }

  /** A user known only from a membership, until their own event arrives. */
  placeholder(user: MirroredUser): Promise<void> {
    return this.mirror.insertPlaceholder(user);
  }

  /** Clerk has the user again (reconciliation): the API's restore. */
  async restore(id: string): Promise<void> {
    await this.users.restore(id);
  }

  /** True when an active user was deleted (not a repeat, nor a tombstone for an unknown id). */
  remove(id: string, at: Date): Promise<boolean> {
    return this.mirror.softDeleteOrTombstone(id, at);
  }

  /** These users in any state, deleted ones too (reconciliation compares them with Clerk). */
  findMany(ids: string[]): Promise<User[]> {
    return this.mirror.findMany(ids);
  }

  /** Active users that came from Clerk (a Clerk version older than `before`), by id. */
  clerkIdsAfter(afterId: string | undefined, before: Date, limit: number): Promise<string[]> {
    return this.mirror.clerkIdsAfter(afterId, before, limit);
  }
}
