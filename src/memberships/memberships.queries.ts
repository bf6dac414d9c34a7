import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { OrgRole } from '../common/auth/principal';
import type { PageRequest } from '../common/pagination/page';
import { rendered, RowReader } from '../db/hot-query';
import { Keyset } from '../db/keyset';
import { organizationMembers as members, organizations, users } from '../db/schema';

export interface MemberWithUser {
  id: string;
  organizationId: string;
  userId: string;
  role: OrgRole;
  createdAt: Date;
  updatedAt: Date;
  user: { id: string; email: string; firstName: string; lastName: string; photoUrl: string };
}

export const membersOrder = Keyset.byCreatedAt(members, 'oldestFirst');

/** Active members of active users: a deleted user's membership is invisible and powerless. */
export const activeMember = and(eq(members.deleted, false), eq(users.deleted, false));

const member = new RowReader({
  id: members.id,
  organizationId: members.organizationId,
  userId: members.userId,
  role: members.role,
  createdAt: members.createdAt,
  updatedAt: members.updatedAt,
});
const memberUser = new RowReader(
  {
    id: users.id,
    email: users.email,
    firstName: users.firstName,
    lastName: users.lastName,
    photoUrl: users.photoUrl,
  },
  'user.',
);

export function readMember(row: Record<string, unknown>): MemberWithUser {
  const read = member.read(row);
  return { ...read, role: read.role as OrgRole, user: memberUser.read(row) };
}

// The members list is the busiest read (src/db/hot-query.ts says why it is written this way).
const selectMembers = rendered(
  sql`select ${member.columns}, ${memberUser.columns}
      from ${members} inner join ${users} on ${members.userId} = ${users.id}
      where ${members.deleted} = false and ${users.deleted} = false
        and ${members.organizationId} =`,
);
const membersOrderBy = rendered(sql`order by ${sql.join(membersOrder.orderBy, sql`, `)}`);

/** A page of the organization's members (limit + 1 rows; Keyset.page trims it). */
export function membersPage(organizationId: string, request: PageRequest): SQL {
  const after = membersOrder.after(request.cursor);
  return sql`${selectMembers} ${organizationId} ${after ? sql`and ${after}` : sql``}
             ${membersOrderBy} limit ${request.limit + 1}`;
}

/** One active member of the organization. */
export function memberById(organizationId: string, memberId: string): SQL {
  return sql`${selectMembers} ${organizationId} and ${members.id} = ${memberId} limit 1`;
}

const membership = new RowReader({
  id: organizations.id,
  name: organizations.name,
  plan: organizations.plan,
  role: members.role,
});

export type OrganizationOfUser = { id: string; name: string; plan: string; role: OrgRole };

export function readOrganizationOf(row: Record<string, unknown>): OrganizationOfUser {
  const read = membership.read(row);
  return { ...read, role: read.role as OrgRole };
}

// Every GET /users/me runs this.
const selectOrganizationsOf = rendered(
  sql`select ${membership.columns}
      from ${members} inner join ${organizations} on ${members.organizationId} = ${organizations.id}
      where ${members.deleted} = false and ${organizations.deleted} = false and ${members.userId} =`,
);

/** The active organizations a user belongs to, with their role, oldest membership first. */
export function organizationsOf(userId: string): SQL {
  return sql`${selectOrganizationsOf} ${userId} ${membersOrderBy}`;
}
