import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import type { GithubInstallationRepository } from '../db/schema';
import { GithubRepositoriesRepository } from './github-repositories.repository';

@Injectable()
export class GithubRepositoriesService {
  constructor(private readonly repositories: GithubRepositoriesRepository) {}

  async list(
    organizationId: string,
    query: { limit: number; cursor?: string; q?: string },
  ): Promise<Page<GithubInstallationRepository>> {
    const rows = await this.repositories.list(
      organizationId,
      query.limit,
      query.cursor ? decodeCursor(query.cursor) : undefined,
      query.q,
    );
    return toPage(rows, query.limit, (row) => row);
  }

  async get(organizationId: string, repositoryId: string): Promise<GithubInstallationRepository> {
    const repository = await this.repositories.findForOrganization(organizationId, repositoryId);
    if (!repository) throw new NotFoundError('REPOSITORY');
    return repository;
  }
}
