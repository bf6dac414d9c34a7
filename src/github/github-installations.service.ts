import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { AuditLog } from '../audit/audit-log.service';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { GithubInstallation, GithubInstallationRepository } from '../db/schema';
import { WebhookDeliveriesService } from '../webhooks/webhook-deliveries.service';
import { GithubAppClient } from './github-app.client';
import { GithubInstallationsRepository } from './github-installations.repository';
import { GithubLinkProofService, LinkClaim, LinkProof } from './github-link-proof.service';
import { GithubRepositoriesRepository, RepositoryRef } from './github-repositories.repository';

export interface LinkResult {
  installation: GithubInstallation;
  /** False when the organization already held it. */
  created: boolean;
}

const linkedElsewhere = () =>
  new DomainError(
    'INSTALLATION_LINKED_ELSEWHERE',
    'This installation is linked to another organization',
  );

/**
 * Linking, unlinking and syncing installations. Link and sync talk to GitHub, so they run with
 * no request transaction (@SkipTransaction on their routes): GitHub is asked first, with no
 * database connection held, and the writes then commit in short transactions of their own.
 */
@Injectable()
export class GithubInstallationsService {
  constructor(
    private readonly installations: GithubInstallationsRepository,
    private readonly repositories: GithubRepositoriesRepository,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly github: GithubAppClient,
    private readonly proof: GithubLinkProofService,
    private readonly audit: AuditLog,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
  ) {}

  list(organizationId: string, request: PageRequest): Promise<Page<GithubInstallation>> {
    return this.installations.list(organizationId, request);
  }

  /**
   * Links an installation the caller proved control of (or a platform admin names). Steps:
   * the proof (its state spent and committed on its own, then GitHub's OAuth); with App
   * credentials the repository list from GitHub; one transaction writing the link, the
   * repositories and the audit event; then deliveries that waited for the link are queued.
   */
  async link(claim: LinkClaim): Promise<LinkResult> {
    const { organizationId, installationId } = claim;
    const proof = await this.proof.verify(claim);
    const holder = await this.installations.findLinked(installationId);
    if (holder && holder.organizationId !== organizationId) throw linkedElsewhere();
    const snapshot = this.github.configured
      ? await this.github.listRepositories(installationId)
      : undefined;
    const result = await this.txHost.withTransaction(() =>
      this.writeLink(organizationId, installationId, proof, snapshot),
    );
    // Deliveries that waited for a link are queued (in arrival order) for the webhook worker.
    await this.txHost.withTransaction(() => this.deliveries.queueWaitingFor(installationId));
    return {
      installation: (await this.installations.findLinked(installationId)) ?? result.installation,
      created: result.created,
    };
  }

  /** Soft-deletes the installation and its repositories (inside the request's transaction). */
  async unlink(organizationId: string, installationId: string): Promise<void> {
    await this.findInOrganization(organizationId, installationId);
    await this.installations.unlink(installationId);
    await this.audit.record({
      organizationId,
      action: 'installation.unlinked',
      targetId: installationId,
    });
  }

  /** Re-reads the repository list from GitHub, then writes the difference in one transaction. */
  async sync(organizationId: string, installationId: string): Promise<GithubInstallation> {
    await this.findInOrganization(organizationId, installationId);
    const snapshot = await this.github.listRepositories(installationId);
    return this.txHost.withTransaction(async () => {
      // It may have been unlinked while GitHub was asked.
      const installation = await this.findInOrganization(organizationId, installationId);
      await this.applySnapshot(organizationId, installationId, snapshot);
      return installation;
    });
  }

  /** Linked installations by id, `limit` after `afterId` (reconciliation walks them all). */
  linkedAfter(afterId: string | undefined, limit: number): Promise<GithubInstallation[]> {
    return this.installations.linkedAfter(afterId, limit);
  }

  /** The installation's repository rows, removed ones too. */
  repositoriesOf(installationId: string): Promise<GithubInstallationRepository[]> {
    return this.repositories.allOf(installationId);
  }

  /**
   * GitHub no longer has the installation: unlinked with its repositories, as its `deleted`
   * event would have done (in the caller's transaction). False when it was unlinked meanwhile.
   */
  async unlinkGone(organizationId: string, installationId: string): Promise<boolean> {
    const installation = await this.installations.findLinked(installationId);
    if (installation?.organizationId !== organizationId) return false;
    await this.installations.unlink(installationId);
    await this.audit.record({
      organizationId,
      action: 'installation.unlinked',
      targetId: installationId,
      data: { reason: 'gone from GitHub' },
    });
    return true;
  }

  /** GitHub's suspension of a linked installation (in the caller's transaction). */
  async mirrorSuspension(installationId: string, suspendedAt: Date | null): Promise<void> {
    await this.installations.setSuspended(installationId, suspendedAt);
  }

  /**
   * Makes a linked installation's repositories what GitHub listed (read beforehand, with no
   * transaction open), in the caller's transaction. False when it was unlinked meanwhile.
   */
  async mirrorRepositories(
    organizationId: string,
    installationId: string,
    snapshot: RepositoryRef[],
  ): Promise<boolean> {
    const installation = await this.installations.findLinked(installationId);
    if (installation?.organizationId !== organizationId) return false;
    await this.applySnapshot(organizationId, installationId, snapshot);
    return true;
  }

  private async writeLink(
    organizationId: string,
    installationId: string,
    proof: LinkProof,
    snapshot: RepositoryRef[] | undefined,
  ): Promise<LinkResult> {
    const before = await this.installations.find(installationId);
    const linked = await this.installations.link(installationId, organizationId);
    if (!linked) {
      const holder = await this.installations.findLinked(installationId);
      if (holder?.organizationId !== organizationId) throw linkedElsewhere();
      if (snapshot) await this.applySnapshot(organizationId, installationId, snapshot);
      return { installation: holder, created: false };
    }
    // Only the organization that unlinked gets its old repositories back: another one starts
    // from what GitHub lists now (or from webhooks), never from an earlier holder's rows.
    if (before?.deletedAt && before.organizationId === organizationId) {
      await this.installations.restoreRepositoriesUnlinkedAt(installationId, before.deletedAt);
    }
    await this.audit.record({
      organizationId,
      action: 'installation.linked',
      targetId: installationId,
      data: { proof },
    });
    if (snapshot) await this.applySnapshot(organizationId, installationId, snapshot);
    return { installation: linked, created: true };
  }

  /** Makes the installation's repositories what GitHub listed, and records the difference. */
  private async applySnapshot(
    organizationId: string,
    installationId: string,
    snapshot: RepositoryRef[],
  ): Promise<void> {
    const present = await this.repositories.activeIds(installationId);
    await this.repositories.upsert(installationId, snapshot);
    const removed = await this.repositories.removeAllExcept(
      installationId,
      snapshot.map((ref) => ref.id),
    );
    await this.audit.record({
      organizationId,
      action: 'installation.synced',
      targetId: installationId,
      data: { added: snapshot.filter((ref) => !present.has(ref.id)).length, removed },
    });
  }

  private async findInOrganization(
    organizationId: string,
    installationId: string,
  ): Promise<GithubInstallation> {
    const installation = await this.installations.findLinked(installationId);
    if (!installation || installation.organizationId !== organizationId) {
      throw new NotFoundError('INSTALLATION');
    }
    return installation;
  }
}
