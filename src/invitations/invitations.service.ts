import { Injectable } from '@nestjs/common';
import type { AuditAction } from '../audit/audit-actions';
import { AuditLog } from '../audit/audit-log.service';
import type { OrgRole } from '../common/auth/principal';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import type { User } from '../db/schema';
import type { MemberWithUser } from '../memberships/memberships.repository';
import { MembershipsService } from '../memberships/memberships.service';
import { assertAnswerable, assertPending, InvitationStatus } from './invitation-status';
import {
  InvitationRow,
  InvitationsRepository,
  InviteeInvitationRow,
} from './invitations.repository';

/**
 * Invitations: nobody becomes a member without accepting. Every answer (accept, decline,
 * revoke) locks the invitation row first and decides on the status it reads after the lock, so
 * of two concurrent answers the second sees the first one's result.
 *
 * Audit events carry the role and ids, never the address: the audit log is append-only, so an
 * email written there could never be erased; the invitation row keeps it instead.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly memberships: MembershipsService,
    private readonly audit: AuditLog,
  ) {}

  list(
    organizationId: string,
    filter: { status?: InvitationStatus },
    request: PageRequest,
  ): Promise<Page<InvitationRow>> {
    return this.invitations.listForOrganization(organizationId, filter, request);
  }

  async create(
    inviter: User,
    organizationId: string,
    email: string,
    role: OrgRole,
  ): Promise<InvitationRow> {
    if (await this.memberships.hasMemberWithEmail(organizationId, email)) {
      throw new DomainError(
        'MEMBER_ALREADY_EXISTS',
        'A member of this organization has this email',
      );
    }
    await this.invitations.expireLapsed(organizationId, email);
    const invitation = await this.invitations.insert({
      organizationId,
      email,
      role,
      invitedBy: inviter.id,
    });
    if (!invitation) {
      throw new DomainError(
        'INVITATION_ALREADY_PENDING',
        'An invitation to this address is already pending; revoke it to invite again',
      );
    }
    await this.record(invitation, 'invitation.created');
    return invitation;
  }

  async revoke(organizationId: string, id: string): Promise<void> {
    const invitation = await this.invitations.lockInOrganization(organizationId, id);
    if (!invitation) throw new NotFoundError('INVITATION');
    assertPending(invitation.status);
    await this.invitations.markAnswered(id, 'revoked');
    await this.record(invitation, 'invitation.revoked');
  }

  /** The caller's answerable invitations, matched on their email whatever its case. */
  listForInvitee(invitee: User, request: PageRequest): Promise<Page<InviteeInvitationRow>> {
    return this.invitations.listForInvitee(invitee.email, request);
  }

  /** Makes the invitee a member with the invited role, in this transaction. */
  async accept(invitee: User, id: string): Promise<MemberWithUser> {
    const invitation = await this.lockForInvitee(invitee, id);
    assertAnswerable(invitation.status);
    const member = await this.memberships.addByInvitation(
      invitation.organizationId,
      invitee.id,
      invitation.role,
      invitation.id,
    );
    await this.invitations.markAnswered(id, 'accepted', member.id);
    await this.record(invitation, 'invitation.accepted', { memberId: member.id });
    return member;
  }

  async decline(invitee: User, id: string): Promise<InviteeInvitationRow> {
    const invitation = await this.lockForInvitee(invitee, id);
    assertAnswerable(invitation.status);
    const declined = await this.invitations.markAnswered(id, 'declined');
    await this.record(invitation, 'invitation.declined');
    return { ...declined, organization: invitation.organization };
  }

  /** Someone else's invitation is indistinguishable from a missing one. */
  private async lockForInvitee(invitee: User, id: string): Promise<InviteeInvitationRow> {
    const invitation = await this.invitations.lockForInvitee(id, invitee.email);
    if (!invitation) throw new NotFoundError('INVITATION');
    return invitation;
  }

  private record(
    invitation: InvitationRow,
    action: Extract<AuditAction, `invitation.${string}`>,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.record({
      organizationId: invitation.organizationId,
      action,
      targetId: invitation.id,
      data: { role: invitation.role, ...data },
    });
  }
}
