import { IsEmail, IsIn, MaxLength } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import { ORG_ROLES, type OrgRole } from '../../common/auth/principal';
import { PageOf } from '../../common/pagination/page.dto';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import { INVITATION_STATUSES, type InvitationStatus } from '../invitation-status';
import type { InvitationRow } from '../invitations.repository';

export class CreateInvitationDto {
  /** Who is invited: the user whose email matches (whatever its case) may accept. */
  @IsEmail()
  @MaxLength(320)
  email!: string;

  /** The role the invitee gets on accepting. */
  @IsIn(ORG_ROLES)
  role!: OrgRole;
}

export class ListInvitationsQueryDto extends PaginationQueryDto {
  /** Only invitations with this status; default every status. */
  @OptionalField()
  @IsIn(INVITATION_STATUSES)
  status?: InvitationStatus;
}

/**
 * An invitation as the organization's admins see it: the address they typed and the role, never
 * the invitee's profile.
 */
export class InvitationResponseDto {
  id!: string;
  organizationId!: string;
  email!: string;
  role!: OrgRole;
  /** `expired` once past `expiresAt` without an answer. */
  status!: InvitationStatus;
  /** The user who invited; null when that user is gone. */
  invitedBy!: string | null;
  /** Seven days after it was made. */
  expiresAt!: Date;
  /** When it was accepted, declined or revoked. */
  respondedAt!: Date | null;
  /** The membership its acceptance made. */
  memberId!: string | null;
  createdAt!: Date;
  updatedAt!: Date;

  static from(invitation: InvitationRow): InvitationResponseDto {
    return {
      id: invitation.id,
      organizationId: invitation.organizationId,
      email: invitation.email,
      role: invitation.role,
      status: invitation.status,
      invitedBy: invitation.invitedBy,
      expiresAt: invitation.expiresAt,
      respondedAt: invitation.respondedAt,
      memberId: invitation.memberId,
      createdAt: invitation.createdAt,
      updatedAt: invitation.updatedAt,
    };
  }
}

export class InvitationPageDto extends PageOf(InvitationResponseDto) {}
