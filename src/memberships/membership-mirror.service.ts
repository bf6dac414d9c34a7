import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import type { OrgRole } from '../common/auth/principal';
import { MembershipMirrorRepository } from './membership-mirror.repository';

/**
 * Applies Clerk's membership events. Clerk is the source of truth, so the last-admin rule does
 * not apply here. Order is decided by Clerk's own version (`clerkUpdatedAt`), never by local
 * edits: a change older than Clerk's stored version is ignored, and a membership that ended
 * after a "created" event was sent is not revived by it. Every change is audited.
 */
@Injectable()
export class MembershipMirrorService {
  constructor(
    private readonly mirror: MembershipMirrorRepository,
    private readonly audit: AuditLog,
  ) {}

  /** Every membership row of these organizations, ended ones too (for reconciliation). */
  membershipsOf(organizationIds: string[]) {
    return this.mirror.membershipsOf(organizationIds);
  }

  async apply(
    organizationId: string,
    userId: string,
    role: OrgRole,
    createdAt: Date,
    clerkUpdatedAt: Date,
  ): Promise<void> {
    await this.mirror.lockPair(organizationId, userId);
    const active = await this.mirror.findActive(organizationId, userId);
    if (active) {
      if (active.clerkUpdatedAt && active.clerkUpdatedAt >= clerkUpdatedAt) return;
      await this.mirror.updateRole(active.id, role, clerkUpdatedAt);
      if (active.role !== role) {
        await this.audit.record({
          organizationId,
          action: 'member.role_changed',
          targetId: active.id,
          data: { userId, from: active.role, to: role },
        });
      }
      return;
    }
    const endedAt = await this.mirror.lastEndedAt(organizationId, userId);
    if (endedAt && endedAt >= clerkUpdatedAt) return;
    const memberId = await this.mirror.insert(
      organizationId,
      userId,
      role,
      createdAt,
      clerkUpdatedAt,
    );
    await this.audit.record({
      organizationId,
      action: 'member.added',
      targetId: memberId,
      data: { userId, role },
    });
  }

  /**
   * Ends the membership, also the last admin's (recorded as such); with none to end, records
   * the end so a late "created" stays dead. A local role change does not block it: only
   * Clerk's own newer version does.
   */
  async remove(organizationId: string, userId: string, role: OrgRole, at: Date): Promise<void> {
    await this.mirror.lockPair(organizationId, userId);
    const active = await this.mirror.findActive(organizationId, userId);
    if (active) {
      if (active.clerkUpdatedAt && active.clerkUpdatedAt > at) return;
      await this.mirror.end(active.id, at);
      const lastAdmin =
        active.role === 'admin' && (await this.mirror.countActiveAdmins(organizationId)) === 0;
      await this.audit.record({
        organizationId,
        action: 'member.removed',
        targetId: active.id,
        data: { userId, role: active.role, ...(lastAdmin ? { lastAdmin: true } : {}) },
      });
      return;
    }
    if (!(await this.mirror.lastEndedAt(organizationId, userId))) {
      await this.mirror.insert(organizationId, userId, role, at, at, true);
    }
  }

  /**
   * Clerk deleted the user: their memberships stop counting. An organization left without an
   * active admin gets that on record, as the removal of the user's membership.
   */
  async userDeleted(userId: string): Promise<void> {
    for (const membership of await this.mirror.soleAdminMemberships(userId)) {
      await this.audit.record({
        organizationId: membership.organizationId,
        action: 'member.removed',
        targetId: membership.id,
        data: { userId, role: 'admin', reason: 'user deleted in Clerk', lastAdmin: true },
      });
    }
  }
}
