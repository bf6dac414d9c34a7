import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OrganizationScoped, OrgAdminOnly } from '../common/auth/organization-access.guard';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto';
import {
  InstallationPageDto,
  InstallationResponseDto,
  LinkInstallationDto,
} from './dto/github.dto';
import { GithubInstallationsService } from './github-installations.service';

@ApiTags('github')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('organizations/:orgId/github/installations')
export class GithubInstallationsController {
  constructor(private readonly installations: GithubInstallationsService) {}

  @Get()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<InstallationPageDto> {
    return mapPage(await this.installations.list(orgId, query), InstallationResponseDto.from);
  }

  /**
   * Links a GitHub App installation: 201 when linked now, 200 when this organization already
   * held it. An unlinked installation can be linked again, by any organization.
   */
  @Post()
  @OrgAdminOnly()
  @ApiErrors('VALIDATION_FAILED', 'INSTALLATION_LINKED_ELSEWHERE', 'GITHUB_UNAVAILABLE')
  async link(
    @Param('orgId') orgId: string,
    @Body() body: LinkInstallationDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<InstallationResponseDto> {
    const { installation, created } = await this.installations.link(orgId, body.installationId);
    response.status(created ? 201 : 200);
    return InstallationResponseDto.from(installation);
  }

  /** Unlinks: the installation and its repositories are soft-deleted. */
  @Delete(':installationId')
  @HttpCode(204)
  @OrgAdminOnly()
  @ApiErrors('INSTALLATION_NOT_FOUND')
  async unlink(
    @Param('orgId') orgId: string,
    @Param('installationId', pathId('INSTALLATION')) installationId: string,
  ): Promise<void> {
    await this.installations.unlink(orgId, installationId);
  }

  /** Fetches the installation's repositories from GitHub (needs GitHub App credentials). */
  @Post(':installationId/sync')
  @HttpCode(200)
  @OrgAdminOnly()
  @ApiErrors('INSTALLATION_NOT_FOUND', 'GITHUB_APP_NOT_CONFIGURED', 'GITHUB_UNAVAILABLE')
  async sync(
    @Param('orgId') orgId: string,
    @Param('installationId', pathId('INSTALLATION')) installationId: string,
  ): Promise<InstallationResponseDto> {
    return InstallationResponseDto.from(await this.installations.sync(orgId, installationId));
  }
}
