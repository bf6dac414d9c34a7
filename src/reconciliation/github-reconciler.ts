import { Injectable } from '@nestjs/common';
import { GithubAppClient } from '../github/github-app.client';
import { GithubInstallationsService } from '../github/github-installations.service';
import type { RepositoryRef } from '../github/github-repositories.repository';
import type { GithubInstallation } from '../db/schema';
import type { Outcome } from './reconciliation-counts';
import type { Repair, RunProgress } from './run-progress';

/** Linked installations read per query while walking them. */
const WALK_SIZE = 200;

/**
 * The GitHub App's installations compared with the linked ones: an installation GitHub no
 * longer has is unlinked with its repositories; a linked one gets GitHub's suspension and its
 * repository list (through the installations service, as a sync would). GitHub is read with no
 * transaction open; each installation's writes are one transaction.
 */
@Injectable()
export class GithubReconciler {
  constructor(
    private readonly github: GithubAppClient,
    private readonly installations: GithubInstallationsService,
  ) {}

  get configured(): boolean {
    return this.github.configured;
  }

  async run(progress: RunProgress): Promise<void> {
    progress.checkStopped();
    const onGithub = new Map(
      (await this.github.listInstallations()).map((i) => [i.id, i.suspendedAt] as const),
    );
    let after: string | undefined;
    for (;;) {
      const linked = await this.installations.linkedAfter(after, WALK_SIZE);
      if (linked.length === 0) return;
      after = linked[linked.length - 1].id;
      for (const installation of linked) {
        progress.checkStopped();
        const suspendedAt = onGithub.get(installation.id);
        if (suspendedAt === undefined) await this.unlinkGone(progress, installation);
        else await this.sync(progress, installation, suspendedAt);
      }
    }
  }

  private async unlinkGone(progress: RunProgress, installation: GithubInstallation) {
    const rows = await this.installations.repositoriesOf(installation.id);
    const repositories = rows.filter((row) => !row.deleted).length;
    const { id, organizationId } = installation;
    await progress.apply([
      {
        kind: 'installations',
        outcome: 'deleted',
        apply: async () => void (await this.installations.unlinkGone(organizationId, id)),
      },
      ...Array.from({ length: repositories }, () => counted('repositories', 'deleted')),
    ]);
  }

  private async sync(
    progress: RunProgress,
    installation: GithubInstallation,
    suspendedAt: Date | null,
  ): Promise<void> {
    const { id, organizationId } = installation;
    const repairs: Repair[] = [];
    if ((installation.suspendedAt === null) !== (suspendedAt === null)) {
      repairs.push({
        kind: 'installations',
        outcome: 'updated',
        apply: () => this.installations.mirrorSuspension(id, suspendedAt),
      });
    } else progress.unchanged('installations');
    if (suspendedAt !== null) {
      // GitHub mints no token for a suspended installation: its repositories stay as listed.
      const rows = await this.installations.repositoriesOf(id);
      progress.unchanged('repositories', rows.filter((row) => !row.deleted).length);
      if (repairs.length > 0) await progress.apply(repairs);
      return;
    }
    const snapshot = await this.github.listRepositories(id);
    const changes = compareRepositories(await this.installations.repositoriesOf(id), snapshot);
    progress.unchanged('repositories', changes.unchanged);
    const changed = changes.outcomes.length > 0;
    repairs.push(
      ...changes.outcomes.map((outcome, i) =>
        // The first repair rewrites the whole list; the others only count.
        i === 0 && changed
          ? {
              kind: 'repositories' as const,
              outcome,
              apply: async () =>
                void (await this.installations.mirrorRepositories(organizationId, id, snapshot)),
            }
          : counted('repositories', outcome),
      ),
    );
    if (repairs.length > 0) await progress.apply(repairs);
  }
}

/** A repair another one in the same batch carries out. */
const counted = (kind: Repair['kind'], outcome: Outcome): Repair => ({
  kind,
  outcome,
  apply: () => Promise.resolve(),
});

/** What GitHub's list means for the installation's repository rows. */
export function compareRepositories(
  rows: { id: string; name: string; deleted: boolean }[],
  snapshot: RepositoryRef[],
): { outcomes: Outcome[]; unchanged: number } {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const listed = new Set(snapshot.map((ref) => ref.id));
  const outcomes: Outcome[] = [];
  let unchanged = 0;
  for (const ref of snapshot) {
    const row = byId.get(ref.id);
    if (!row) outcomes.push('created');
    else if (row.deleted || row.name !== ref.name) outcomes.push('updated');
    else unchanged++;
  }
  for (const row of rows) if (!row.deleted && !listed.has(row.id)) outcomes.push('deleted');
  return { outcomes, unchanged };
}
