import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OrganizationScoped } from '../common/auth/organization-access.guard';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import {
  ListRepositoriesQueryDto,
  RepositoryPageDto,
  RepositoryResponseDto,
} from './dto/github.dto';
import { GithubRepositoriesService } from './github-repositories.service';

@ApiTags('github')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('organizations/:orgId/github/repositories')
export class GithubRepositoriesController {
  constructor(private readonly repositories: GithubRepositoriesService) {}

  /** Every repository of the organization's installations; `q` filters on the full name. */
  @Get()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: ListRepositoriesQueryDto,
  ): Promise<RepositoryPageDto> {
    return mapPage(await this.repositories.list(orgId, query), RepositoryResponseDto.from);
  }

  @Get(':repositoryId')
  @ApiErrors('REPOSITORY_NOT_FOUND')
  async get(
    @Param('orgId') orgId: string,
    @Param('repositoryId', pathId('REPOSITORY')) repositoryId: string,
  ): Promise<RepositoryResponseDto> {
    return RepositoryResponseDto.from(await this.repositories.get(orgId, repositoryId));
  }
}
