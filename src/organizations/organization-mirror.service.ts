import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import type { Organization } from '../db/schema';
import { OrganizationMirrorRepository } from './organization-mirror.repository';
import { OrganizationsService } from './organizations.service';

/**
 * Applies Clerk's view of organizations (its webhooks and reconciliation). Order is decided by
 * Clerk's own version (`clerkUpdatedAt`), never by local edits: a change older than the stored
 * version is ignored, and a deleted organization is not revived by a late event. A rename and a
 * deletion are audited. The user and membership mirrors have the same shape (`apply`, `remove`).
 */
@Injectable()
export class OrganizationMirrorService {
  constructor(
    private readonly mirror: OrganizationMirrorRepository,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditLog,
  ) {}

  /** Clerk has the organization again (reconciliation): the API's restore, audited as such. */
  async restore(id: string): Promise<void> {
    await this.organizations.restore(id);
  }

  /** These organizations in any state (reconciliation compares them with Clerk). */
  findMany(ids: string[]): Promise<Organization[]> {
    return this.mirror.findMany(ids);
  }

  /** Active organizations that came from Clerk (a Clerk version older than `before`), by id. */
  clerkIdsAfter(afterId: string | undefined, before: Date, limit: number): Promise<string[]> {
    return this.mirror.clerkIdsAfter(afterId, before, limit);
  }

  /**
   * Clerk's view of an organization (its name): applied when Clerk's version is newer than the
   * one stored, never to a deleted organization. A rename is recorded in the audit log.
   */
  async apply(
    org: { id: string; name: string },
    createdAt: Date,
    clerkUpdatedAt: Date,
  ): Promise<void> {
    let current = await this.mirror.findAnyForUpdate(org.id);
    if (!current) {
      if (await this.mirror.insert(org, createdAt, clerkUpdatedAt)) return;
      current = (await this.mirror.findAnyForUpdate(org.id))!;
    }
    if (current.deleted) return;
    if (current.clerkUpdatedAt && current.clerkUpdatedAt >= clerkUpdatedAt) return;
    await this.mirror.update(org.id, org.name, clerkUpdatedAt);
    if (current.name !== org.name) {
      await this.audit.record({
        organizationId: org.id,
        action: 'organization.updated',
        targetId: org.id,
        data: { name: { from: current.name, to: org.name } },
      });
    }
  }

  /** Clerk deleted it: soft-deleted (and recorded) when it was active. */
  async remove(id: string, at: Date): Promise<void> {
    if (await this.mirror.softDelete(id, at)) {
      await this.audit.record({ organizationId: id, action: 'organization.deleted', targetId: id });
    }
  }
}
