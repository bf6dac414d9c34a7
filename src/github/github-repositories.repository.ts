import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq, getTableColumns, ilike, inArray, notInArray, SQL, sql } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { Database } from '../db/database';
import { Keyset } from '../db/keyset';
import { rendered, RowReader, rowsOf } from '../db/hot-query';
import {
  GithubInstallationRepository,
  githubInstallationRepositories as repos,
  githubInstallations as installations,
} from '../db/schema';

export interface RepositoryRef {
  id: string;
  /** GitHub's full_name, owner/repo. */
  name: string;
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const repositoriesOrder = Keyset.byCreatedAt(repos, 'oldestFirst');

const repositoriesPage = (db: Database, ofOrganization: SQL, narrowed?: SQL) =>
  db
    .select(getTableColumns(repos))
    .from(repos)
    .innerJoin(installations, eq(repos.installationId, installations.id))
    .where(
      and(ofOrganization, eq(installations.deleted, false), eq(repos.deleted, false), narrowed),
    )
    .orderBy(...repositoriesOrder.orderBy);

// The unfiltered list is a hot read (src/db/hot-query.ts says why it is written this way).
const repository = new RowReader(getTableColumns(repos));
const selectRepositories = rendered(
  sql`select ${repository.columns}
      from ${repos} inner join ${installations} on ${repos.installationId} = ${installations.id}
      where ${installations.deleted} = false and ${repos.deleted} = false
        and ${installations.organizationId} =`,
);
const repositoriesOrderBy = rendered(sql`order by ${sql.join(repositoriesOrder.orderBy, sql`, `)}`);

@Injectable()
export class GithubRepositoriesRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** Active repositories of the organization's active installations (an inner join). */
  async list(
    organizationId: string,
    request: PageRequest,
    q?: string,
  ): Promise<Page<GithubInstallationRepository>> {
    const rows = q
      ? await this.search(organizationId, request, q)
      : await this.unfiltered(organizationId, request);
    return repositoriesOrder.page(rows, request);
  }

  private async unfiltered(
    organizationId: string,
    request: PageRequest,
  ): Promise<GithubInstallationRepository[]> {
    const after = repositoriesOrder.after(request.cursor);
    const result = await this.db.execute(
      sql`${selectRepositories} ${organizationId} ${after ? sql`and ${after}` : sql``}
          ${repositoriesOrderBy} limit ${request.limit + 1}`,
    );
    return rowsOf(result).map((row) => repository.read(row));
  }

  /** The list narrowed to names containing q: rarer, so built on each call. */
  private search(
    organizationId: string,
    request: PageRequest,
    q: string,
  ): Promise<GithubInstallationRepository[]> {
    return repositoriesPage(
      this.db,
      eq(installations.organizationId, organizationId),
      and(ilike(repos.name, likePattern(q)), repositoriesOrder.after(request.cursor)),
    ).limit(request.limit + 1);
  }

  /** The repository, only if it belongs to one of this organization's active installations. */
  async findForOrganization(
    organizationId: string,
    repositoryId: string,
  ): Promise<GithubInstallationRepository | undefined> {
    const [row] = await this.db
      .select(getTableColumns(repos))
      .from(repos)
      .innerJoin(installations, eq(repos.installationId, installations.id))
      .where(
        and(
          eq(repos.id, repositoryId),
          eq(installations.organizationId, organizationId),
          eq(installations.deleted, false),
          eq(repos.deleted, false),
        ),
      )
      .limit(1);
    return row;
  }

  /**
   * Present under this installation, with this name: new ones are created, removed ones come
   * back, and one that belonged to another installation moves here.
   */
  async upsert(installationId: string, refs: RepositoryRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.db
      .insert(repos)
      .values(refs.map((ref) => ({ ...ref, installationId })))
      .onConflictDoUpdate({
        target: repos.id,
        set: {
          name: sql`excluded.name`,
          installationId: sql`excluded.installation_id`,
          deleted: false,
          deletedAt: null,
          updatedAt: sql`now()`,
        },
      });
  }

  /** Renames a known repository in whatever state it is; an unknown one is created. */
  async renameOrCreate(installationId: string, ref: RepositoryRef): Promise<void> {
    const renamed = await this.db
      .update(repos)
      .set({ name: ref.name, updatedAt: sql`now()` })
      .where(eq(repos.id, ref.id))
      .returning({ id: repos.id });
    if (renamed.length === 0) await this.upsert(installationId, [ref]);
  }

  /** The installation's active repositories now (only among `ids` when given). */
  async activeIds(installationId: string, ids?: string[]): Promise<Set<string>> {
    if (ids?.length === 0) return new Set();
    const rows = await this.db
      .select({ id: repos.id })
      .from(repos)
      .where(
        and(
          eq(repos.installationId, installationId),
          ids ? inArray(repos.id, ids) : undefined,
          eq(repos.deleted, false),
        ),
      );
    return new Set(rows.map((row) => row.id));
  }

  /** Every repository row of the installation, removed ones too. */
  allOf(installationId: string): Promise<GithubInstallationRepository[]> {
    return this.db.select().from(repos).where(eq(repos.installationId, installationId));
  }

  /** Soft-deletes these repositories if they still belong to the installation; the ids it did. */
  async remove(installationId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.softDelete(and(eq(repos.installationId, installationId), inArray(repos.id, ids)));
  }

  /** After a full sync: everything the installation no longer lists is soft-deleted (count). */
  async removeAllExcept(installationId: string, keepIds: string[]): Promise<number> {
    const removed = await this.softDelete(
      and(
        eq(repos.installationId, installationId),
        keepIds.length > 0 ? notInArray(repos.id, keepIds) : undefined,
      ),
    );
    return removed.length;
  }

  private async softDelete(where: ReturnType<typeof and>): Promise<string[]> {
    const rows = await this.db
      .update(repos)
      .set({ deleted: true, deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(where, eq(repos.deleted, false)))
      .returning({ id: repos.id });
    return rows.map((row) => row.id);
  }
}
