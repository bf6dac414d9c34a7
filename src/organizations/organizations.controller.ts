import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentUser } from '../common/auth/current-user.decorator';
import {
  OrganizationAccess,
  OrganizationScoped,
  OrgAdminOnly,
} from '../common/auth/organization-access.guard';
import { PlatformAdminOnly } from '../common/auth/platform-admin.guard';
import type { Principal } from '../common/auth/principal';
import { IncludeDeletedQueryDto } from '../common/http/include-deleted-query.dto';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import type { User } from '../db/schema';
import {
  CreateOrganizationDto,
  ListOrganizationsQueryDto,
  OrganizationPageDto,
  OrganizationResponseDto,
  UpdateOrganizationDto,
} from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@ApiBearerAuth('bearer')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  /** Any user may create one and becomes its admin. */
  @Post()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN', 'ORGANIZATION_ALREADY_EXISTS')
  async create(
    @CurrentUser() caller: User,
    @Body() body: CreateOrganizationDto,
  ): Promise<OrganizationResponseDto> {
    return OrganizationResponseDto.from(await this.organizations.create(caller, body));
  }

  /** Your organizations; platform admins may ask for `all=true`. */
  @Get()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN')
  async list(
    @CurrentUser() caller: User,
    @Query() query: ListOrganizationsQueryDto,
  ): Promise<OrganizationPageDto> {
    return mapPage(await this.organizations.list(caller, query), OrganizationResponseDto.from);
  }

  @Get(':orgId')
  @OrganizationScoped()
  @OrganizationAccess({ deleted: 'whenRequested' })
  get(
    @CurrentPrincipal() caller: Principal,
    @Query() _query: IncludeDeletedQueryDto,
  ): OrganizationResponseDto {
    return OrganizationResponseDto.from(caller.organization!);
  }

  /** Name by organization admins, plan by platform admins. */
  @Patch(':orgId')
  @OrganizationScoped()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN')
  async update(
    @CurrentPrincipal() caller: Principal,
    @Param('orgId') orgId: string,
    @Body() body: UpdateOrganizationDto,
  ): Promise<OrganizationResponseDto> {
    return OrganizationResponseDto.from(await this.organizations.update(caller, orgId, body));
  }

  @Delete(':orgId')
  @HttpCode(204)
  @OrganizationScoped()
  @OrgAdminOnly()
  async remove(@Param('orgId') orgId: string): Promise<void> {
    await this.organizations.softDelete(orgId);
  }

  @Post(':orgId/restore')
  @HttpCode(200)
  @PlatformAdminOnly()
  @OrganizationScoped()
  @OrganizationAccess({ deleted: 'allowed' })
  @ApiErrors('FORBIDDEN')
  async restore(@Param('orgId') orgId: string): Promise<OrganizationResponseDto> {
    return OrganizationResponseDto.from(await this.organizations.restore(orgId));
  }
}
