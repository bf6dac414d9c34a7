import { Injectable, OnModuleInit } from '@nestjs/common';
import { CLERK_ACTOR } from '../common/context/actor-context';
import type { WebhookDelivery } from '../db/schema';
import { MembershipMirrorService } from '../memberships/membership-mirror.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersService } from '../users/users.service';
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
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
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
        return this.users.mirror(
          userFromClerk(event.data),
          fromMillis(event.data.created_at),
          fromMillis(event.data.updated_at),
        );
      case 'user.deleted':
        if (await this.users.mirrorDeletion(event.data.id, fromMillis(event.timestamp))) {
          await this.memberships.userDeleted(event.data.id);
        }
        return;
      case 'organization.created':
      case 'organization.updated':
        return this.organizations.mirror(
          event.data,
          fromMillis(event.data.created_at),
          fromMillis(event.data.updated_at),
        );
      case 'organization.deleted':
        return this.organizations.mirrorDeletion(event.data.id, fromMillis(event.timestamp));
      case 'organizationMembership.created':
      case 'organizationMembership.updated':
        return this.membership(event.data, false);
      case 'organizationMembership.deleted':
        return this.membership(event.data, true);
    }
  }

  /** The membership may be the first we hear of its user or organization. */
  private async membership(data: ClerkMembership, ended: boolean): Promise<void> {
    await this.users.mirrorPlaceholder(userFromMembership(data));
    const org = data.organization;
    await this.organizations.mirror(org, fromMillis(org.created_at), fromMillis(org.updated_at));
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
