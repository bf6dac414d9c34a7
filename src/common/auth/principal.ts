import type { Organization, User } from '../../db/schema';

export type OrgRole = 'admin' | 'member';
export const ORG_ROLES: readonly OrgRole[] = ['admin', 'member'];

/** The caller's active membership of the organization named in the route. */
export interface OrganizationMembership {
  memberId: string;
  role: OrgRole;
}

/**
 * Who is calling: their active user row and, on /organizations/:orgId routes, that organization
 * (deleted or not; the tenancy guard decides) and the caller's active membership of it.
 */
export interface Principal {
  user: User;
  organization?: Organization;
  membership?: OrganizationMembership;
}

declare module 'express' {
  interface Request {
    principal?: Principal;
  }
}
