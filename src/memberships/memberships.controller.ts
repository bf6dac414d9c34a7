import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/auth/current-user.decorator';
import { OrganizationScoped, OrgAdminOnly } from '../common/auth/organization-access.guard';
import { PlatformAdminOnly } from '../common/auth/platform-admin.guard';
import type { Principal } from '../common/auth/principal';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto';
import { AddMemberDto, ChangeRoleDto } from './dto/add-member.dto';
import { mapPage } from '../common/pagination/page';
import { MemberPageDto, MemberResponseDto } from './dto/member-response.dto';
import { MembershipsService } from './memberships.service';

@ApiTags('members')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('organizations/:orgId/members')
export class MembershipsController {
  constructor(private readonly memberships: MembershipsService) {}

  /** Members with their user; members whose user was deleted are left out. */
  @Get()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<MemberPageDto> {
    return mapPage(await this.memberships.list(orgId, query), MemberResponseDto.from);
  }

  /**
   * Platform admins only: nobody is made a member without agreeing, so organization admins
   * invite instead (POST /organizations/{orgId}/invitations). A user who left can be added again.
   */
  @Post()
  @PlatformAdminOnly()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN', 'USER_NOT_FOUND', 'MEMBER_ALREADY_EXISTS')
  async add(@Param('orgId') orgId: string, @Body() body: AddMemberDto): Promise<MemberResponseDto> {
    return MemberResponseDto.from(await this.memberships.add(orgId, body.userId, body.role));
  }

  @Patch(':memberId')
  @OrgAdminOnly()
  @ApiErrors('VALIDATION_FAILED', 'MEMBER_NOT_FOUND', 'LAST_ADMIN')
  async changeRole(
    @CurrentPrincipal() caller: Principal,
    @Param('orgId') orgId: string,
    @Param('memberId', pathId('MEMBER')) memberId: string,
    @Body() body: ChangeRoleDto,
  ): Promise<MemberResponseDto> {
    return MemberResponseDto.from(
      await this.memberships.changeRole(caller, orgId, memberId, body.role),
    );
  }

  /** Removal by an org admin, or leaving (any member may remove their own membership). */
  @Delete(':memberId')
  @HttpCode(204)
  @ApiErrors('FORBIDDEN', 'MEMBER_NOT_FOUND', 'LAST_ADMIN')
  async remove(
    @CurrentPrincipal() caller: Principal,
    @Param('orgId') orgId: string,
    @Param('memberId', pathId('MEMBER')) memberId: string,
  ): Promise<void> {
    await this.memberships.remove(caller, orgId, memberId);
  }
}
