import type { OrgRole } from '../common/auth/principal';
import type { MirroredUser } from '../users/user-mirror.service';

/** Clerk's records as the mirror needs them, read from the Backend API by ClerkApiClient. */
export interface ClerkUserRecord {
  user: MirroredUser;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClerkOrganizationRecord {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClerkMembershipRecord {
  organizationId: string;
  /** The member as the membership describes them (a placeholder until their own record). */
  user: MirroredUser;
  role: OrgRole;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClerkPage<T> {
  records: T[];
  /** Items Clerk returned that could not be mirrored (a malformed id), with why. */
  rejected: string[];
  /** Clerk's `total_count`: more pages follow while offset + page < total. */
  totalCount: number;
}
