import { Injectable } from '@nestjs/common';
import type { OrgRole } from '../common/auth/principal';
import { MembershipMirrorRepository } from './membership-mirror.repository';

/**
 * Applies Clerk's membership events. Clerk is the source of truth, so the last-admin rule does
 * not apply here; order is: a change older than what is stored is ignored, and a membership
 * that ended after a "created" event was sent is not revived by it.
 */
@Injectable()
export class MembershipMirrorService {
  constructor(private readonly mirror: MembershipMirrorRepository) {}

  async apply(
    organizationId: string,
    userId: string,
    role: OrgRole,
    createdAt: Date,
    updatedAt: Date,
  ): Promise<void> {
    await this.mirror.lockPair(organizationId, userId);
    const active = await this.mirror.findActive(organizationId, userId);
    if (active) {
      await this.mirror.updateRoleIfOlder(active.id, role, updatedAt);
      return;
    }
    const endedAt = await this.mirror.lastEndedAt(organizationId, userId);
    if (endedAt && endedAt >= updatedAt) return;
    await this.mirror.insert(organizationId, userId, role, createdAt, updatedAt);
  }

  /** Ends the membership; with none to end, records the end so a late "created" stays dead. */
  async remove(organizationId: string, userId: string, role: OrgRole, at: Date): Promise<void> {
    await this.mirror.lockPair(organizationId, userId);
    const active = await this.mirror.findActive(organizationId, userId);
    if (active) {
      if (active.updatedAt <= at) await this.mirror.end(active.id, at);
      return;
    }
    if (!(await this.mirror.lastEndedAt(organizationId, userId))) {
      await this.mirror.insert(organizationId, userId, role, at, at, true);
    }
  }
}
