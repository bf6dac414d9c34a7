import { Injectable } from '@nestjs/common';
import { ClerkApiClient } from '../clerk/clerk-api.client';
import type { ClerkMembershipRecord } from '../clerk/clerk-records';
import type { OrgRole } from '../common/auth/principal';
import type { OrganizationMember } from '../db/schema';
import { MembershipMirrorService } from '../memberships/membership-mirror.service';
import { UserMirrorService } from '../users/user-mirror.service';
import { eachPage } from './clerk-pages';
import type { Repair, RunProgress } from './run-progress';

/** Organizations whose memberships are read from Clerk, then compared with one query. */
const ORGANIZATIONS_PER_GROUP = 50;

/**
 * Each active organization's memberships in Clerk (every page) compared with the mirror's and
 * repaired through the membership mirror, as Clerk's membership webhooks would have: a member
 * missing here is added (their user too, from the membership, when unknown), a newer Clerk
 * version is applied, and a membership Clerk no longer lists ends, if it came from Clerk.
 */
@Injectable()
export class ClerkMembershipsReconciler {
  constructor(
    private readonly clerk: ClerkApiClient,
    private readonly users: UserMirrorService,
    private readonly memberships: MembershipMirrorService,
  ) {}

  async run(progress: RunProgress, organizationIds: Set<string>): Promise<void> {
    const ids = [...organizationIds];
    for (let i = 0; i < ids.length; i += ORGANIZATIONS_PER_GROUP) {
      const group = ids.slice(i, i + ORGANIZATIONS_PER_GROUP);
      const listed = new Map<string, ClerkMembershipRecord[]>();
      for (const organizationId of group) {
        const records: ClerkMembershipRecord[] = [];
        const fetch = (offset: number) => this.clerk.memberships(organizationId, offset);
        await eachPage(progress, fetch, (page) => {
          records.push(...page);
          return Promise.resolve();
        });
        listed.set(organizationId, records);
      }
      const rows = await this.memberships.membershipsOf(group);
      const repairs = group.flatMap((organizationId) =>
        this.compare(
          progress,
          organizationId,
          listed.get(organizationId)!,
          rows.filter((row) => row.organizationId === organizationId),
        ),
      );
      await progress.apply(repairs);
    }
  }

  private compare(
    progress: RunProgress,
    organizationId: string,
    records: ClerkMembershipRecord[],
    rows: OrganizationMember[],
  ): Repair[] {
    const active = new Map<string, OrganizationMember>();
    const lastEnded = new Map<string, Date>();
    for (const row of rows) {
      if (!row.deleted) active.set(row.userId, row);
      else if (row.deletedAt && !(lastEnded.get(row.userId)! >= row.deletedAt)) {
        lastEnded.set(row.userId, row.deletedAt);
      }
    }
    const repairs: Repair[] = [];
    const listed = new Set<string>();
    for (const record of records) {
      const userId = record.user.id;
      if (listed.has(userId)) continue;
      listed.add(userId);
      const row = active.get(userId);
      const ended = lastEnded.get(userId);
      const outcome = row
        ? !row.clerkUpdatedAt || row.clerkUpdatedAt < record.updatedAt
          ? 'updated'
          : 'unchanged'
        : ended && ended >= record.updatedAt
          ? 'unchanged'
          : ended
            ? 'updated'
            : 'created';
      if (outcome === 'unchanged') progress.unchanged('members');
      else repairs.push({ kind: 'members', outcome, apply: () => this.mirror(record) });
    }
    for (const row of active.values()) {
      if (listed.has(row.userId)) continue;
      // Only Clerk's own memberships, as Clerk knew them before the run began.
      if (!row.clerkUpdatedAt || row.clerkUpdatedAt >= progress.startedAt) continue;
      repairs.push({
        kind: 'members',
        outcome: 'deleted',
        apply: () =>
          this.memberships.remove(organizationId, row.userId, row.role as OrgRole, new Date()),
      });
    }
    return repairs;
  }

  private async mirror(record: ClerkMembershipRecord): Promise<void> {
    await this.users.placeholder(record.user);
    await this.memberships.apply(
      record.organizationId,
      record.user.id,
      record.role,
      record.createdAt,
      record.updatedAt,
    );
  }
}
