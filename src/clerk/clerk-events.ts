import type {
  OrganizationJSON,
  OrganizationMembershipJSON,
  UserJSON,
  WebhookEvent,
} from '@clerk/backend';
import type { OrgRole } from '../common/auth/principal';
import type { MirroredUser } from '../users/users.repository';

export type { WebhookEvent as ClerkEvent };

/** The user's primary email address; Clerk lists every address and names the primary one. */
export function userFromClerk(data: UserJSON): MirroredUser {
  const primary =
    data.email_addresses.find((address) => address.id === data.primary_email_address_id) ??
    data.email_addresses[0];
  return {
    id: data.id,
    email: primary?.email_address ?? '',
    firstName: data.first_name ?? '',
    lastName: data.last_name ?? '',
    photoUrl: data.image_url ?? '',
  };
}

export function userFromMembership(data: OrganizationMembershipJSON): MirroredUser {
  const user = data.public_user_data;
  return {
    id: user.user_id,
    email: user.identifier ?? '',
    firstName: user.first_name ?? '',
    lastName: user.last_name ?? '',
    photoUrl: user.image_url ?? '',
  };
}

export function organizationFromClerk(data: OrganizationJSON) {
  return { id: data.id, name: data.name };
}

/** `org:admin` → admin; every other Clerk role is a plain member here. */
export function roleFromClerk(role: string): OrgRole {
  return role === 'org:admin' || role === 'admin' ? 'admin' : 'member';
}

export const fromMillis = (ms: number) => new Date(ms);
