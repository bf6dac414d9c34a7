import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { GithubInstallationRepository } from '../db/schema';
import { GithubRepositoriesRepository } from './github-repositories.repository';

@Injectable()
export class GithubRepositoriesService {
  constructor(private readonly repositories: GithubRepositoriesRepository) {}

  list(
    organizationId: string,
    request: PageRequest & { q?: string },
  ): Promise<Page<GithubInstallationRepository>> {
    return this.repositories.list(organizationId, request, request.q);
  }

  async get(organizationId: string, repositoryId: string): Promise<GithubInstallationRepository> {
    const repository = await this.repositories.findForOrganization(organizationId, repositoryId);
    if (!repository) throw new NotFoundError('REPOSITORY');
    return repository;
  }
}
