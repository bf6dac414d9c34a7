import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../common/auth/current-user.decorator';
import { OrganizationScoped, OrgAdminOnly } from '../common/auth/organization-access.guard';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto';
import { SkipTransaction } from '../common/transaction/skip-transaction.decorator';
import type { User } from '../db/schema';
import {
  InstallationPageDto,
  InstallationResponseDto,
  InstallUrlResponseDto,
  LinkInstallationDto,
} from './dto/github.dto';
import { GithubInstallationsService } from './github-installations.service';
import { GithubLinkStatesService } from './github-link-states.service';

@ApiTags('github')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('organizations/:orgId/github')
export class GithubInstallationsController {
  constructor(
    private readonly installations: GithubInstallationsService,
    private readonly linkStates: GithubLinkStatesService,
  ) {}

  @Get('installations')
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<InstallationPageDto> {
    return mapPage(await this.installations.list(orgId, query), InstallationResponseDto.from);
  }

  /**
   * Starts GitHub's install flow: the App's install page with a fresh `state`, single-use and
   * valid 10 minutes for this organization and caller. After installing, GitHub sends the user
   * to the App's setup URL with `installation_id`, `code` and this `state`.
   */
  @Get('install-url')
  @OrgAdminOnly()
  @ApiErrors('GITHUB_NOT_CONFIGURED')
  async installUrl(
    @Param('orgId') orgId: string,
    @CurrentUser() user: User,
  ): Promise<InstallUrlResponseDto> {
    return this.linkStates.installUrl(orgId, user.id);
  }

  /**
   * Links a GitHub App installation the caller proved control of: `{ installationId, code,
   * state }` from GitHub's redirect to the setup URL. Platform admins may send
   * `{ installationId }` alone. 201 when linked now, 200 when this organization already held it.
   * GitHub is asked before any database transaction opens.
   */
  @Post('installations')
  @OrgAdminOnly()
  @SkipTransaction()
  @ApiErrors(
    'VALIDATION_FAILED',
    'INSTALLATION_NOT_VERIFIED',
    'INSTALLATION_LINKED_ELSEWHERE',
    'GITHUB_UNAVAILABLE',
  )
  async link(
    @Param('orgId') orgId: string,
    @Body() body: LinkInstallationDto,
    @CurrentUser() user: User,
    @Res({ passthrough: true }) response: Response,
  ): Promise<InstallationResponseDto> {
    const { installation, created } = await this.installations.link({
      organizationId: orgId,
      installationId: body.installationId,
      caller: { id: user.id, isAdmin: user.isAdmin },
      code: body.code,
      state: body.state,
    });
    response.status(created ? 201 : 200);
    return InstallationResponseDto.from(installation);
  }

  /** Unlinks: the installation and its repositories are soft-deleted. */
  @Delete('installations/:installationId')
  @HttpCode(204)
  @OrgAdminOnly()
  @ApiErrors('INSTALLATION_NOT_FOUND')
  async unlink(
    @Param('orgId') orgId: string,
    @Param('installationId', pathId('INSTALLATION')) installationId: string,
  ): Promise<void> {
    await this.installations.unlink(orgId, installationId);
  }

  /**
   * Re-reads the installation's repositories from GitHub (needs GitHub App credentials), with
   * no database transaction open while GitHub answers.
   */
  @Post('installations/:installationId/sync')
  @HttpCode(200)
  @OrgAdminOnly()
  @SkipTransaction()
  @ApiErrors('INSTALLATION_NOT_FOUND', 'GITHUB_APP_NOT_CONFIGURED', 'GITHUB_UNAVAILABLE')
  async sync(
    @Param('orgId') orgId: string,
    @Param('installationId', pathId('INSTALLATION')) installationId: string,
  ): Promise<InstallationResponseDto> {
    return InstallationResponseDto.from(await this.installations.sync(orgId, installationId));
  }
}
