import { Injectable, Logger } from '@nestjs/common';
import { ClerkApiClient } from '../clerk/clerk-api.client';
import type { ClerkOrganizationRecord, ClerkUserRecord } from '../clerk/clerk-records';
import { MembershipMirrorService } from '../memberships/membership-mirror.service';
import { OrganizationMirrorService } from '../organizations/organization-mirror.service';
import { UserMirrorService } from '../users/user-mirror.service';
import { ClerkMembershipsReconciler } from './clerk-memberships.reconciler';
import { eachPage } from './clerk-pages';
import { byId, compare, countedAs, RepairOutcome } from './mirror-compare';
import type { Repair, RunProgress } from './run-progress';

/** Mirror rows read per query when walking the mirror for rows Clerk no longer has. */
const WALK_SIZE = 1000;

/**
 * Clerk's users, organizations and memberships compared with the mirror, page by page, and
 * repaired through the services that apply Clerk's webhooks. Deletions come only after every
 * page was read, and only for rows that came from Clerk, once Clerk answers 404 for each one:
 * offset paging can skip a row while others are deleted, and a skipped row is not a gone one.
 */
@Injectable()
export class ClerkReconciler {
  private readonly logger = new Logger('Reconciliation');

  constructor(
    private readonly clerk: ClerkApiClient,
    private readonly users: UserMirrorService,
    private readonly organizations: OrganizationMirrorService,
    private readonly memberships: MembershipMirrorService,
    private readonly membershipReconciler: ClerkMembershipsReconciler,
  ) {}

  get configured(): boolean {
    return this.clerk.configured;
  }

  async run(progress: RunProgress): Promise<void> {
    const seenUsers = await this.timed('users', () => this.reconcileUsers(progress));
    const orgs = await this.timed('organizations', () => this.reconcileOrganizations(progress));
    await this.timed('vanished users', () => this.removeVanishedUsers(progress, seenUsers));
    await this.timed('vanished organizations', () =>
      this.removeVanishedOrganizations(progress, orgs.seen),
    );
    await this.timed('memberships', () => this.membershipReconciler.run(progress, orgs.active));
  }

  /** One phase, logged with its duration: where a long run spends its time. */
  private async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    this.logger.log({
      msg: 'Reconciliation phase done',
      source: 'clerk',
      phase,
      ms: Date.now() - started,
    });
    return result;
  }

  private async reconcileUsers(progress: RunProgress): Promise<Set<string>> {
    const seen = new Set<string>();
    await eachPage(
      progress,
      (offset) => this.clerk.users(offset),
      async (records) => {
        const rows = new Map((await this.users.findMany(records.map((r) => r.user.id))).map(byId));
        const repairs: Repair[] = [];
        for (const record of records) {
          if (seen.has(record.user.id)) continue;
          seen.add(record.user.id);
          const outcome = compare(rows.get(record.user.id), record.updatedAt);
          if (outcome === 'unchanged') progress.unchanged('users');
          else {
            const apply = () => this.mirrorUser(record, outcome);
            repairs.push({ kind: 'users', outcome: countedAs(outcome), apply });
          }
        }
        await progress.apply(repairs);
      },
    );
    return seen;
  }

  private async mirrorUser(record: ClerkUserRecord, outcome: RepairOutcome): Promise<void> {
    if (outcome === 'restored') await this.users.restore(record.user.id);
    await this.users.apply(record.user, record.createdAt, record.updatedAt);
  }

  /** Clerk's organizations; also which of them are active in the mirror once repaired. */
  private async reconcileOrganizations(progress: RunProgress) {
    const seen = new Set<string>();
    const active = new Set<string>();
    const fetch = (offset: number) => this.clerk.organizations(offset);
    await eachPage(progress, fetch, async (records) => {
      const rows = new Map((await this.organizations.findMany(records.map((r) => r.id))).map(byId));
      const repairs: Repair[] = [];
      for (const record of records) {
        if (seen.has(record.id)) continue;
        seen.add(record.id);
        const row = rows.get(record.id);
        const outcome = compare(row, record.updatedAt);
        if (outcome !== 'unchanged' || !row?.deleted) active.add(record.id);
        if (outcome === 'unchanged') progress.unchanged('organizations');
        else {
          const apply = () => this.mirrorOrganization(record, outcome);
          repairs.push({ kind: 'organizations', outcome: countedAs(outcome), apply });
        }
      }
      await progress.apply(repairs);
    });
    return { seen, active };
  }

  private async mirrorOrganization(
    record: ClerkOrganizationRecord,
    outcome: RepairOutcome,
  ): Promise<void> {
    if (outcome === 'restored') await this.organizations.restore(record.id);
    // Not audited: the audit log's actions are changes to an organization that exists.
    await this.organizations.apply(record, record.createdAt, record.updatedAt);
  }

  private async removeVanishedUsers(progress: RunProgress, seen: Set<string>): Promise<void> {
    await this.removeVanished(
      progress,
      seen,
      (after) => this.users.clerkIdsAfter(after, progress.startedAt, WALK_SIZE),
      (id) => this.clerk.userExists(id),
      (id) => ({
        kind: 'users',
        outcome: 'deleted',
        apply: async () => {
          if (await this.users.remove(id, new Date())) {
            await this.memberships.userDeleted(id);
          }
        },
      }),
    );
  }

  private async removeVanishedOrganizations(progress: RunProgress, seen: Set<string>) {
    await this.removeVanished(
      progress,
      seen,
      (after) => this.organizations.clerkIdsAfter(after, progress.startedAt, WALK_SIZE),
      (id) => this.clerk.organizationExists(id),
      (id) => ({
        kind: 'organizations',
        outcome: 'deleted',
        apply: () => this.organizations.remove(id, new Date()),
      }),
    );
  }

  /** Walks the mirror's Clerk rows by id; each one Clerk did not list and answers 404 for goes. */
  private async removeVanished(
    progress: RunProgress,
    seen: Set<string>,
    walk: (afterId: string | undefined) => Promise<string[]>,
    exists: (id: string) => Promise<boolean>,
    repair: (id: string) => Repair,
  ): Promise<void> {
    let after: string | undefined;
    for (;;) {
      progress.checkStopped();
      const ids = await walk(after);
      if (ids.length === 0) return;
      after = ids[ids.length - 1];
      const repairs: Repair[] = [];
      for (const id of ids.filter((id) => !seen.has(id))) {
        progress.checkStopped();
        if (!(await exists(id))) repairs.push(repair(id));
      }
      await progress.apply(repairs);
    }
  }
}
