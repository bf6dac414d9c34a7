import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/current-user.decorator';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto';
import type { User } from '../db/schema';
import { MemberResponseDto } from '../memberships/dto/member-response.dto';
import { MyInvitationPageDto, MyInvitationResponseDto } from './dto/my-invitation.dto';
import { InvitationsService } from './invitations.service';

/**
 * The invitee's side: invitations addressed to the caller's email (whatever its case). Someone
 * else's invitation answers 404 INVITATION_NOT_FOUND, as if it did not exist.
 */
@ApiTags('invitations')
@ApiBearerAuth('bearer')
@Controller('users/me/invitations')
export class MyInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** The caller's pending invitations, newest first, with each organization's id and name. */
  @Get()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @CurrentUser() caller: User,
    @Query() query: PaginationQueryDto,
  ): Promise<MyInvitationPageDto> {
    return mapPage(
      await this.invitations.listForInvitee(caller, query),
      MyInvitationResponseDto.from,
    );
  }

  /**
   * Accepts: the caller becomes a member with the invited role, in the same transaction that
   * marks the invitation accepted. Answers the new member.
   */
  @Post(':invitationId/accept')
  @ApiErrors(
    'INVITATION_NOT_FOUND',
    'INVITATION_NOT_PENDING',
    'INVITATION_EXPIRED',
    'MEMBER_ALREADY_EXISTS',
  )
  async accept(
    @CurrentUser() caller: User,
    @Param('invitationId', pathId('INVITATION')) invitationId: string,
  ): Promise<MemberResponseDto> {
    return MemberResponseDto.from(await this.invitations.accept(caller, invitationId));
  }

  /** Declines: the invitation can no longer be accepted; the organization may invite again. */
  @Post(':invitationId/decline')
  @HttpCode(200)
  @ApiErrors('INVITATION_NOT_FOUND', 'INVITATION_NOT_PENDING', 'INVITATION_EXPIRED')
  async decline(
    @CurrentUser() caller: User,
    @Param('invitationId', pathId('INVITATION')) invitationId: string,
  ): Promise<MyInvitationResponseDto> {
    return MyInvitationResponseDto.from(await this.invitations.decline(caller, invitationId));
  }
}
