import { Injectable, OnModuleInit } from '@nestjs/common';
import { CLERK_ACTOR } from '../common/context/actor-context';
import type { WebhookDelivery } from '../db/schema';
import { MembershipMirrorService } from '../memberships/membership-mirror.service';
import { OrganizationMirrorService } from '../organizations/organization-mirror.service';
import { UserMirrorService } from '../users/user-mirror.service';
import { ApplyOutcome, DeliveryApplier, DeliveryRejectedError } from '../webhooks/delivery-applier';
import { WebhookDeliveryWorker } from '../webhooks/webhook-delivery.worker';
import {
  ClerkEvent,
  ClerkMembership,
  fromMillis,
  readClerkDelivery,
  roleFromClerk,
  userFromClerk,
  userFromMembership,
} from './clerk-events';

/**
 * Mirrors Clerk's users, organizations and memberships, applied by the delivery worker (as
 * Clerk, in the worker's transaction). Events may arrive late, twice, or before what they refer
 * to: every step is idempotent, keeps Clerk's newer version and never revives a deleted row.
 */
@Injectable()
export class ClerkSyncService implements DeliveryApplier, OnModuleInit {
  readonly source = 'clerk';
  readonly actor = CLERK_ACTOR;

  constructor(
    private readonly users: UserMirrorService,
    private readonly organizations: OrganizationMirrorService,
    private readonly memberships: MembershipMirrorService,
    private readonly worker: WebhookDeliveryWorker,
  ) {}

  onModuleInit(): void {
    this.worker.register(this);
  }

  async apply(delivery: WebhookDelivery): Promise<ApplyOutcome> {
    const reading = readClerkDelivery(delivery.body ?? '');
    if (reading.kind === 'rejected') throw new DeliveryRejectedError(reading.reason);
    if (reading.kind === 'ignored') return 'ignored';
    await this.applyEvent(reading.payload);
    return 'applied';
  }

  private async applyEvent(event: ClerkEvent): Promise<void> {
    switch (event.type) {
      case 'user.created':
      case 'user.updated':
        return this.users.apply(
          userFromClerk(event.data),
          fromMillis(event.data.created_at),
          fromMillis(event.data.updated_at),
        );
      case 'user.deleted':
        if (await this.users.remove(event.data.id, fromMillis(event.timestamp))) {
          await this.memberships.userDeleted(event.data.id);
        }
        return;
      case 'organization.created':
      case 'organization.updated':
        return this.organizations.apply(
          event.data,
          fromMillis(event.data.created_at),
          fromMillis(event.data.updated_at),
        );
      case 'organization.deleted':
        return this.organizations.remove(event.data.id, fromMillis(event.timestamp));
      case 'organizationMembership.created':
      case 'organizationMembership.updated':
        return this.membership(event.data, false);
      case 'organizationMembership.deleted':
        return this.membership(event.data, true);
    }
  }

  /** The membership may be the first we hear of its user or organization. */
  private async membership(data: ClerkMembership, ended: boolean): Promise<void> {
    await this.users.placeholder(userFromMembership(data));
    const org = data.organization;
    await this.organizations.apply(org, fromMillis(org.created_at), fromMillis(org.updated_at));
    const role = roleFromClerk(data.role);
    const userId = data.public_user_data.user_id;
    if (ended) {
      await this.memberships.remove(org.id, userId, role, fromMillis(data.updated_at));
    } else {
      await this.memberships.apply(
        org.id,
        userId,
        role,
        fromMillis(data.created_at),
        fromMillis(data.updated_at),
      );
    }
  }
}
