import { Injectable } from '@nestjs/common';
import type { DeliveryStatus } from '../webhooks/webhook-inbox.service';
import { GithubEventPayload, toRef } from './github-events';
import { GithubInstallationsRepository } from './github-installations.repository';
import { GithubRepositoriesRepository } from './github-repositories.repository';

/**
 * Applies GitHub App events to linked installations. Each step is idempotent and tolerant of
 * order (removing an unknown repository does nothing; a rename of an unknown one creates it).
 * Events for an installation nobody has linked are left pending and replayed at link time.
 */
@Injectable()
export class GithubEventsService {
  constructor(
    private readonly installations: GithubInstallationsRepository,
    private readonly repositories: GithubRepositoriesRepository,
  ) {}

  async apply(event: string, payload: GithubEventPayload): Promise<DeliveryStatus> {
    const handled = ['installation', 'installation_repositories', 'repository'];
    if (!handled.includes(event) || !payload.installation) return 'ignored';
    const installationId = String(payload.installation.id);
    if (!(await this.installations.findLinked(installationId))) return 'pending';
    return this.applyToLinked(installationId, event, payload);
  }

  private async applyToLinked(
    installationId: string,
    event: string,
    payload: GithubEventPayload,
  ): Promise<DeliveryStatus> {
    switch (`${event}.${payload.action}`) {
      case 'installation.created':
        await this.repositories.upsert(installationId, (payload.repositories ?? []).map(toRef));
        return 'applied';
      case 'installation.deleted':
        await this.installations.unlink(installationId);
        return 'applied';
      case 'installation.suspend':
        await this.installations.setSuspended(installationId, new Date());
        return 'applied';
      case 'installation.unsuspend':
        await this.installations.setSuspended(installationId, null);
        return 'applied';
      case 'installation_repositories.added':
        await this.repositories.upsert(
          installationId,
          (payload.repositories_added ?? []).map(toRef),
        );
        return 'applied';
      case 'installation_repositories.removed':
        await this.repositories.remove(
          installationId,
          (payload.repositories_removed ?? []).map((repo) => String(repo.id)),
        );
        return 'applied';
      case 'repository.renamed':
        // Only the name changes: a late rename must not bring back a removed repository.
        if (payload.repository) {
          await this.repositories.renameOrCreate(installationId, toRef(payload.repository));
        }
        return 'applied';
      case 'repository.transferred':
        // Moved to another owner and still reachable by this installation: it follows it here.
        if (payload.repository) {
          await this.repositories.upsert(installationId, [toRef(payload.repository)]);
        }
        return 'applied';
      case 'repository.deleted':
        if (payload.repository) {
          await this.repositories.remove(installationId, [String(payload.repository.id)]);
        }
        return 'applied';
      default:
        return 'ignored';
    }
  }
}
