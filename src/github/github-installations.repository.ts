import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Keyset } from '../db/keyset';
import {
  GithubInstallation,
  githubInstallationRepositories,
  githubInstallations,
} from '../db/schema';

const installationsOrder = Keyset.byCreatedAt(githubInstallations, 'oldestFirst');

@Injectable()
export class GithubInstallationsRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** The installation in any state (linked, unlinked), or undefined when never seen. */
  async find(id: string): Promise<GithubInstallation | undefined> {
    const [row] = await this.db
      .select()
      .from(githubInstallations)
      .where(eq(githubInstallations.id, id));
    return row;
  }

  /** Linked (active) to some organization. */
  async findLinked(id: string): Promise<GithubInstallation | undefined> {
    const [row] = await this.db
      .select()
      .from(githubInstallations)
      .where(and(eq(githubInstallations.id, id), eq(githubInstallations.deleted, false)));
    return row;
  }

  /** Linked installations by id, `limit` after `afterId`: a walk over all of them. */
  linkedAfter(afterId: string | undefined, limit: number): Promise<GithubInstallation[]> {
    return this.db
      .select()
      .from(githubInstallations)
      .where(
        and(
          eq(githubInstallations.deleted, false),
          afterId === undefined ? undefined : gt(githubInstallations.id, afterId),
        ),
      )
      .orderBy(asc(githubInstallations.id))
      .limit(limit);
  }

  async list(organizationId: string, request: PageRequest): Promise<Page<GithubInstallation>> {
    const rows = await this.db
      .select()
      .from(githubInstallations)
      .where(
        and(
          eq(githubInstallations.organizationId, organizationId),
          eq(githubInstallations.deleted, false),
          installationsOrder.after(request.cursor),
        ),
      )
      .orderBy(...installationsOrder.orderBy)
      .limit(request.limit + 1);
    return installationsOrder.page(rows, request);
  }

  /**
   * Links a new or unlinked installation to the organization in one statement, so two
   * organizations racing for one installation cannot both win. Undefined when it is held.
   */
  async link(id: string, organizationId: string): Promise<GithubInstallation | undefined> {
    const now = new Date();
    const [row] = await this.db
      .insert(githubInstallations)
      .values({ id, organizationId })
      .onConflictDoUpdate({
        target: githubInstallations.id,
        set: { organizationId, deleted: false, deletedAt: null, updatedAt: now },
        where: eq(githubInstallations.deleted, true),
      })
      .returning();
    return row;
  }

  /** Unlinks; its repositories go with it, stamped with the same time so a relink restores them. */
  async unlink(id: string): Promise<void> {
    const now = new Date();
    await this.db
      .update(githubInstallations)
      .set({ deleted: true, deletedAt: now, updatedAt: now })
      .where(eq(githubInstallations.id, id));
    await this.db
      .update(githubInstallationRepositories)
      .set({ deleted: true, deletedAt: now, updatedAt: now })
      .where(
        and(
          eq(githubInstallationRepositories.installationId, id),
          eq(githubInstallationRepositories.deleted, false),
        ),
      );
  }

  /** Brings back the repositories an unlink at `unlinkedAt` took away. */
  async restoreRepositoriesUnlinkedAt(id: string, unlinkedAt: Date): Promise<void> {
    await this.db
      .update(githubInstallationRepositories)
      .set({ deleted: false, deletedAt: null, updatedAt: new Date() })
      .where(
        and(
          eq(githubInstallationRepositories.installationId, id),
          eq(githubInstallationRepositories.deletedAt, unlinkedAt),
        ),
      );
  }

  async setSuspended(id: string, suspendedAt: Date | null): Promise<void> {
    await this.db
      .update(githubInstallations)
      .set({ suspendedAt, updatedAt: sql`now()` })
      .where(eq(githubInstallations.id, id));
  }
}
