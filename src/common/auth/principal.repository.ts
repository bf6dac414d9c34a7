import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { getTableColumns, sql } from 'drizzle-orm';
import { rendered, RowReader, rowsOf } from '../../db/hot-query';
import { organizationMembers as members, organizations, users } from '../../db/schema';
import type { DrizzleAdapter } from '../transaction/transaction-host';
import type { OrgRole, Principal } from './principal';

// Every authenticated request runs one of these two reads (src/db/hot-query.ts says why so).
const user = new RowReader(getTableColumns(users), 'u.');
const organization = new RowReader(getTableColumns(organizations), 'o.');
const membership = new RowReader({ memberId: members.id, role: members.role }, 'm.');

const selectUser = rendered(sql`select ${user.columns} from ${users}`);
const selectUserInOrganization = rendered(
  sql`select ${user.columns}, ${organization.columns}, ${membership.columns} from ${users}`,
);
const joinOrganization = rendered(sql`left join ${organizations} on ${organizations.id} =`);
const joinMembership = rendered(
  sql`left join ${members} on ${members.organizationId} = ${organizations.id}
        and ${members.userId} = ${users.id} and ${members.deleted} = false`,
);
const activeUserId = rendered(sql`where ${users.deleted} = false and ${users.id} =`);

/**
 * Loads the caller in one round trip: the active user and, when the route names an
 * organization, that organization and the caller's active membership of it.
 */
@Injectable()
export class PrincipalRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  async load(userId: string, organizationId?: string): Promise<Principal | undefined> {
    if (organizationId === undefined) {
      const result = await this.txHost.tx.execute(
        sql`${selectUser} ${activeUserId} ${userId} limit 1`,
      );
      const [row] = rowsOf(result);
      return row ? { user: user.read(row) } : undefined;
    }
    const result = await this.txHost.tx.execute(
      sql`${selectUserInOrganization} ${joinOrganization} ${organizationId} ${joinMembership}
          ${activeUserId} ${userId} limit 1`,
    );
    const [row] = rowsOf(result);
    if (!row) return undefined;
    return {
      user: user.read(row),
      organization: organization.isAbsent(row) ? undefined : organization.read(row),
      membership: membership.isAbsent(row)
        ? undefined
        : (membership.read(row) as { memberId: string; role: OrgRole }),
    };
  }
}
