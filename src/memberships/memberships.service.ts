import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import type { OrgRole, Principal } from '../common/auth/principal';
import { DomainError, ForbiddenError, NotFoundError } from '../common/errors/domain-error';
import type { Page, PageRequest } from '../common/pagination/page';
import { LastAdminError } from './last-admin.error';
import { MembershipsRepository, MemberWithUser } from './memberships.repository';

/**
 * Membership rules. Anything that could take away an admin locks the organization row first
 * and re-reads inside the transaction, so "at least one admin" holds under concurrency.
 */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly members: MembershipsRepository,
    private readonly audit: AuditLog,
  ) {}

  list(organizationId: string, request: PageRequest): Promise<Page<MemberWithUser>> {
    return this.members.list(organizationId, request);
  }

  async add(organizationId: string, userId: string, role: OrgRole): Promise<MemberWithUser> {
    if (!(await this.members.isActiveUser(userId))) throw new NotFoundError('USER');
    const memberId = await this.members.insert(organizationId, userId, role);
    if (!memberId) {
      throw new DomainError('MEMBER_ALREADY_EXISTS', 'This user is already a member');
    }
    await this.recordAdded(organizationId, memberId, userId, role);
    return (await this.members.find(organizationId, memberId))!;
  }

  async changeRole(
    caller: Principal,
    organizationId: string,
    memberId: string,
    role: OrgRole,
  ): Promise<MemberWithUser> {
    await this.members.lockOrganization(organizationId);
    await this.assertStillAdmin(caller, organizationId);
    const member = await this.findOrFail(organizationId, memberId);
    if (member.role === 'admin' && role !== 'admin') await this.assertNotLastAdmin(member);
    if (member.role !== role) {
      await this.members.updateRole(memberId, role);
      await this.audit.record({
        organizationId,
        action: 'member.role_changed',
        targetId: memberId,
        data: { userId: member.userId, from: member.role, to: role },
      });
    }
    return (await this.members.find(organizationId, memberId))!;
  }

  /** Removal by an org admin, or leaving: a member may always remove themselves. */
  async remove(caller: Principal, organizationId: string, memberId: string): Promise<void> {
    await this.members.lockOrganization(organizationId);
    const member = await this.findOrFail(organizationId, memberId);
    const leaving = member.userId === caller.user.id;
    if (!leaving) await this.assertStillAdmin(caller, organizationId);
    if (member.role === 'admin') await this.assertNotLastAdmin(member);
    await this.members.softDelete(memberId);
    await this.audit.record({
      organizationId,
      action: leaving ? 'member.left' : 'member.removed',
      targetId: memberId,
      data: { userId: member.userId, role: member.role },
    });
  }

  /**
   * For invitations: the membership an accepted invitation makes, in the caller's transaction.
   * Its audit event names the invitation.
   */
  async addByInvitation(
    organizationId: string,
    userId: string,
    role: OrgRole,
    invitationId: string,
  ): Promise<MemberWithUser> {
    const memberId = await this.members.insert(organizationId, userId, role);
    if (!memberId) {
      throw new DomainError(
        'MEMBER_ALREADY_EXISTS',
        'You already are a member of this organization',
      );
    }
    await this.recordAdded(organizationId, memberId, userId, role, { invitationId });
    return (await this.members.find(organizationId, memberId))!;
  }

  /** Whether an active member's user has this email, whatever its case. */
  hasMemberWithEmail(organizationId: string, email: string): Promise<boolean> {
    return this.members.hasMemberWithEmail(organizationId, email);
  }

  /** For organizations: the creator's first membership. */
  async addFounder(organizationId: string, userId: string): Promise<void> {
    const memberId = await this.members.insert(organizationId, userId, 'admin');
    if (memberId) await this.recordAdded(organizationId, memberId, userId, 'admin');
  }

  /**
   * The active organizations that would be left without an admin if this user went away; they
   * stay locked against admin changes until the transaction ends.
   */
  organizationsAdministeredOnlyBy(userId: string): Promise<{ id: string; name: string }[]> {
    return this.members.lockOrganizationsAdministeredOnlyBy(userId);
  }

  organizationsOf(userId: string) {
    return this.members.organizationsOf(userId);
  }

  shareAnOrganization(userId: string, otherUserId: string): Promise<boolean> {
    return this.members.shareAnOrganization(userId, otherUserId);
  }

  private recordAdded(
    organizationId: string,
    memberId: string,
    userId: string,
    role: OrgRole,
    more: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.record({
      organizationId,
      action: 'member.added',
      targetId: memberId,
      data: { userId, role, ...more },
    });
  }

  private async findOrFail(organizationId: string, memberId: string): Promise<MemberWithUser> {
    const member = await this.members.find(organizationId, memberId);
    if (!member) throw new NotFoundError('MEMBER');
    return member;
  }

  /** The guard saw the caller's role before the lock; it may have changed since. */
  private async assertStillAdmin(caller: Principal, organizationId: string): Promise<void> {
    if (caller.user.isAdmin) return;
    if ((await this.members.roleOf(organizationId, caller.user.id)) !== 'admin') {
      throw new ForbiddenError('Organization admins only');
    }
  }

  private async assertNotLastAdmin(member: MemberWithUser): Promise<void> {
    if ((await this.members.countOtherAdmins(member.organizationId, member.id)) === 0) {
      throw new LastAdminError();
    }
  }
}
