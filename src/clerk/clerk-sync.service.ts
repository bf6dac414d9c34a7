import { Injectable } from '@nestjs/common';
import { MembershipMirrorService } from '../memberships/membership-mirror.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersService } from '../users/users.service';
import {
  ClerkEvent,
  fromMillis,
  organizationFromClerk,
  roleFromClerk,
  userFromClerk,
  userFromMembership,
} from './clerk-events';

export type ClerkSyncOutcome = 'applied' | 'ignored';

/**
 * Mirrors Clerk's users, organizations and memberships. Events may arrive late, twice, or
 * before what they refer to: every step is an idempotent upsert that keeps the newer data and
 * never revives a deleted row.
 */
@Injectable()
export class ClerkSyncService {
  constructor(
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly memberships: MembershipMirrorService,
  ) {}

  async apply(event: ClerkEvent): Promise<ClerkSyncOutcome> {
    const at = fromMillis(event.timestamp);
    switch (event.type) {
      case 'user.created':
      case 'user.updated':
        await this.users.mirror(
          userFromClerk(event.data),
          fromMillis(event.data.created_at),
          fromMillis(event.data.updated_at),
        );
        return 'applied';
      case 'user.deleted':
        if (!event.data.id) return 'ignored';
        await this.users.mirrorDeletion(event.data.id, at);
        return 'applied';
      case 'organization.created':
      case 'organization.updated':
        await this.organizations.mirror(
          organizationFromClerk(event.data),
          fromMillis(event.data.created_at),
          fromMillis(event.data.updated_at),
        );
        return 'applied';
      case 'organization.deleted':
        if (!event.data.id) return 'ignored';
        await this.organizations.mirrorDeletion(event.data.id, at);
        return 'applied';
      case 'organizationMembership.created':
      case 'organizationMembership.updated':
      case 'organizationMembership.deleted': {
        const data = event.data;
        // The membership may be the first we hear of its user or organization.
        await this.users.mirrorPlaceholder(userFromMembership(data));
        await this.organizations.mirror(
          organizationFromClerk(data.organization),
          fromMillis(data.organization.created_at),
          fromMillis(data.organization.updated_at),
        );
        const role = roleFromClerk(data.role);
        const userId = data.public_user_data.user_id;
        if (event.type === 'organizationMembership.deleted') {
          await this.memberships.remove(
            data.organization.id,
            userId,
            role,
            fromMillis(data.updated_at),
          );
        } else {
          await this.memberships.apply(
            data.organization.id,
            userId,
            role,
            fromMillis(data.created_at),
            fromMillis(data.updated_at),
          );
        }
        return 'applied';
      }
      default:
        return 'ignored';
    }
  }
}
