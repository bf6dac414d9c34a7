import type { OrgRole } from '../../common/auth/principal';
import { PageOf } from '../../common/pagination/page.dto';
import type { InvitationStatus } from '../invitation-status';
import type { InviteeInvitationRow } from '../invitations.repository';

export class InvitingOrganizationDto {
  id!: string;
  name!: string;
}

/** An invitation as its invitee sees it: which organization, which role, until when. */
export class MyInvitationResponseDto {
  id!: string;
  organization!: InvitingOrganizationDto;
  /** The address it was sent to, as the inviter typed it. */
  email!: string;
  /** The role accepting gives. */
  role!: OrgRole;
  status!: InvitationStatus;
  expiresAt!: Date;
  /** When it was accepted or declined. */
  respondedAt!: Date | null;
  createdAt!: Date;

  static from(invitation: InviteeInvitationRow): MyInvitationResponseDto {
    return {
      id: invitation.id,
      organization: { id: invitation.organization.id, name: invitation.organization.name },
      email: invitation.email,
      role: invitation.role,
      status: invitation.status,
      expiresAt: invitation.expiresAt,
      respondedAt: invitation.respondedAt,
      createdAt: invitation.createdAt,
    };
  }
}

export class MyInvitationPageDto extends PageOf(MyInvitationResponseDto) {}
