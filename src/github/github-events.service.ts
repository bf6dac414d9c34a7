import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { GITHUB_ACTOR } from '../common/context/actor-context';
import type { WebhookDelivery } from '../db/schema';
import { ApplyOutcome, DeliveryApplier, DeliveryRejectedError } from '../webhooks/delivery-applier';
import { WebhookDeliveryWorker } from '../webhooks/webhook-delivery.worker';
import { GithubEvent, readGithubDelivery, toRef } from './github-events';
import { GithubInstallationsRepository } from './github-installations.repository';
import { GithubRepositoriesRepository } from './github-repositories.repository';

type EventOf<E extends GithubEvent['event']> = Extract<GithubEvent, { event: E }>;

/** At most this many repository ids in an audit event's data; the counts say the rest. */
const AUDITED_IDS = 5;

/**
 * Applies GitHub App events to linked installations, run by the delivery worker (as GitHub, in
 * the worker's transaction). Each step is idempotent and tolerant of order (removing an unknown
 * repository does nothing; a rename of an unknown one creates it). A delivery for an
 * installation nobody has linked waits, and is queued again when it is linked.
 */
@Injectable()
export class GithubEventsService implements DeliveryApplier, OnModuleInit {
  readonly source = 'github';
  readonly actor = GITHUB_ACTOR;

  constructor(
    private readonly installations: GithubInstallationsRepository,
    private readonly repositories: GithubRepositoriesRepository,
    private readonly audit: AuditLog,
    private readonly worker: WebhookDeliveryWorker,
  ) {}

  onModuleInit(): void {
    this.worker.register(this);
  }

  async apply(delivery: WebhookDelivery): Promise<ApplyOutcome> {
    const header = delivery.event.split('.', 1)[0];
    const reading = readGithubDelivery(header, delivery.body ?? '');
    if (reading.kind === 'rejected') throw new DeliveryRejectedError(reading.reason);
    if (reading.kind === 'ignored') return 'ignored';
    const installation = await this.installations.findLinked(reading.payload.installation.id);
    if (!installation) return 'waiting';
    await this.applyToLinked(installation.organizationId, reading.payload);
    return 'applied';
  }

  private applyToLinked(organizationId: string, payload: GithubEvent): Promise<void> {
    switch (payload.event) {
      case 'installation':
        return this.installationEvent(organizationId, payload);
      case 'installation_repositories':
        return this.syncChanged(organizationId, payload);
      case 'repository':
        return this.repositoryEvent(payload);
    }
  }

  private async installationEvent(organizationId: string, payload: EventOf<'installation'>) {
    const installationId = payload.installation.id;
    switch (payload.action) {
      case 'created':
        return this.repositories.upsert(installationId, (payload.repositories ?? []).map(toRef));
      case 'deleted':
        await this.installations.unlink(installationId);
        return this.audit.record({
          organizationId,
          action: 'installation.unlinked',
          targetId: installationId,
          data: { reason: 'deleted on GitHub' },
        });
      case 'suspend':
        return this.installations.setSuspended(installationId, new Date());
      case 'unsuspend':
        return this.installations.setSuspended(installationId, null);
    }
  }

  private async repositoryEvent(payload: EventOf<'repository'>) {
    const installationId = payload.installation.id;
    const ref = toRef(payload.repository);
    switch (payload.action) {
      case 'renamed':
        // Only the name changes: a late rename must not bring back a removed repository.
        return this.repositories.renameOrCreate(installationId, ref);
      case 'transferred':
        // Moved to another owner and still reachable by this installation: it follows it here.
        return this.repositories.upsert(installationId, [ref]);
      case 'deleted':
        await this.repositories.remove(installationId, [ref.id]);
    }
  }

  /** Repositories added to or removed from the installation; recorded when the list changed. */
  private async syncChanged(
    organizationId: string,
    payload: EventOf<'installation_repositories'>,
  ): Promise<void> {
    const installationId = payload.installation.id;
    const toAdd = payload.repositories_added.map(toRef);
    const listed = await this.repositories.activeIds(
      installationId,
      toAdd.map((ref) => ref.id),
    );
    const added = toAdd.filter((ref) => !listed.has(ref.id)).map((ref) => ref.id);
    await this.repositories.upsert(installationId, toAdd);
    const removed = await this.repositories.remove(
      installationId,
      payload.repositories_removed.map((repo) => repo.id),
    );
    if (added.length === 0 && removed.length === 0) return;
    await this.audit.record({
      organizationId,
      action: 'installation.synced',
      targetId: installationId,
      data: {
        added: added.length,
        removed: removed.length,
        addedIds: added.slice(0, AUDITED_IDS),
        removedIds: removed.slice(0, AUDITED_IDS),
      },
    });
  }
}
