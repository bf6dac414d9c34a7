import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/current-user.decorator';
import { OrganizationScoped, OrgAdminOnly } from '../common/auth/organization-access.guard';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import type { User } from '../db/schema';
import {
  CreateInvitationDto,
  InvitationPageDto,
  InvitationResponseDto,
  ListInvitationsQueryDto,
} from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';

@ApiTags('invitations')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('organizations/:orgId/invitations')
export class OrganizationInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** The organization's invitations, newest first, with every status unless `?status=` says. */
  @Get()
  @OrgAdminOnly()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: ListInvitationsQueryDto,
  ): Promise<InvitationPageDto> {
    return mapPage(
      await this.invitations.list(orgId, { status: query.status }, query),
      InvitationResponseDto.from,
    );
  }

  /**
   * Invites an email address with a role, pending for seven days. The service sends no email:
   * the invitee finds it at GET /users/me/invitations. The answer is the same whether or not
   * anyone has that address.
   */
  @Post()
  @OrgAdminOnly()
  @ApiErrors('VALIDATION_FAILED', 'INVITATION_ALREADY_PENDING', 'MEMBER_ALREADY_EXISTS')
  async create(
    @CurrentUser() caller: User,
    @Param('orgId') orgId: string,
    @Body() body: CreateInvitationDto,
  ): Promise<InvitationResponseDto> {
    return InvitationResponseDto.from(
      await this.invitations.create(caller, orgId, body.email, body.role),
    );
  }

  /** Revokes a pending invitation; any other status is INVITATION_NOT_PENDING. */
  @Delete(':invitationId')
  @HttpCode(204)
  @OrgAdminOnly()
  @ApiErrors('INVITATION_NOT_FOUND', 'INVITATION_NOT_PENDING')
  async revoke(
    @Param('orgId') orgId: string,
    @Param('invitationId', pathId('INVITATION')) invitationId: string,
  ): Promise<void> {
    await this.invitations.revoke(orgId, invitationId);
  }
}
