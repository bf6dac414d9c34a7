import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq, sql, SQL } from 'drizzle-orm';
import type { OrgRole } from '../common/auth/principal';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Keyset } from '../db/keyset';
import { invitations, organizations } from '../db/schema';
import { INVITATION_LIFETIME_DAYS, InvitationStatus } from './invitation-status';

export interface InvitationRow {
  id: string;
  organizationId: string;
  email: string;
  role: OrgRole;
  status: InvitationStatus;
  invitedBy: string | null;
  expiresAt: Date;
  respondedAt: Date | null;
  memberId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An invitation as its invitee sees it: with the organization's id and name. */
export interface InviteeInvitationRow extends InvitationRow {
  organization: { id: string; name: string };
}

/**
 * The status every reader sees. A pending invitation past its date is expired whether or not the
 * row says so yet: nothing has to run at the deadline, and the database clock decides for all.
 * The row itself becomes `expired` only when a new invitation replaces it (`expireLapsed`).
 */
const status = sql<InvitationStatus>`case when ${invitations.status} = 'pending' and ${invitations.expiresAt} <= now() then 'expired' else ${invitations.status} end`;

const columns = {
  id: invitations.id,
  organizationId: invitations.organizationId,
  email: invitations.email,
  role: sql<OrgRole>`${invitations.role}`,
  status,
  invitedBy: invitations.invitedBy,
  expiresAt: invitations.expiresAt,
  respondedAt: invitations.respondedAt,
  memberId: invitations.memberId,
  createdAt: invitations.createdAt,
  updatedAt: invitations.updatedAt,
};

const inviteeColumns = {
  ...columns,
  organization: { id: organizations.id, name: organizations.name },
};

const newestFirst = Keyset.byCreatedAt(invitations, 'newestFirst');

const sameAddress = (email: string) => sql`lower(${invitations.email}) = lower(${email})`;

/** Pending and within its date; served by the partial index on pending invitations. */
const answerable = and(eq(invitations.status, 'pending'), sql`${invitations.expiresAt} > now()`);

@Injectable()
export class InvitationsRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  async listForOrganization(
    organizationId: string,
    filter: { status?: InvitationStatus },
    request: PageRequest,
  ): Promise<Page<InvitationRow>> {
    const rows = await this.db
      .select(columns)
      .from(invitations)
      .where(
        and(
          eq(invitations.organizationId, organizationId),
          filter.status ? sql`${status} = ${filter.status}` : undefined,
          newestFirst.after(request.cursor),
        ),
      )
      .orderBy(...newestFirst.orderBy)
      .limit(request.limit + 1);
    return newestFirst.page(rows, request);
  }

  /** The answerable invitations addressed to `email`, in active organizations. */
  async listForInvitee(email: string, request: PageRequest): Promise<Page<InviteeInvitationRow>> {
    const rows = await this.db
      .select(inviteeColumns)
      .from(invitations)
      .innerJoin(organizations, this.activeOrganization())
      .where(and(sameAddress(email), answerable, newestFirst.after(request.cursor)))
      .orderBy(...newestFirst.orderBy)
      .limit(request.limit + 1);
    return newestFirst.page(rows, request);
  }

  /**
   * The invitation if it is addressed to `email` (and its organization is active), locked until
   * the transaction ends: a concurrent accept, decline or revoke waits here, then reads the
   * status this one left.
   */
  async lockForInvitee(id: string, email: string): Promise<InviteeInvitationRow | undefined> {
    const [row] = await this.db
      .select(inviteeColumns)
      .from(invitations)
      .innerJoin(organizations, this.activeOrganization())
      .where(and(eq(invitations.id, id), sameAddress(email)))
      .for('update', { of: invitations });
    return row;
  }

  /** The organization's invitation, locked until the transaction ends. */
  async lockInOrganization(organizationId: string, id: string): Promise<InvitationRow | undefined> {
    const [row] = await this.db
      .select(columns)
      .from(invitations)
      .where(and(eq(invitations.id, id), eq(invitations.organizationId, organizationId)))
      .for('update');
    return row;
  }

  /**
   * Marks a pending invitation to this address that is past its date as expired, so that it no
   * longer holds the one-pending-invitation-per-address index.
   */
  async expireLapsed(organizationId: string, email: string): Promise<void> {
    await this.db
      .update(invitations)
      .set({ status: 'expired', updatedAt: sql`now()` })
      .where(
        and(
          eq(invitations.organizationId, organizationId),
          sameAddress(email),
          eq(invitations.status, 'pending'),
          sql`${invitations.expiresAt} <= now()`,
        ),
      );
  }

  /**
   * A new pending invitation, or undefined when one is already pending for this organization and
   * address: the unique index decides, so concurrent invitations of one address make one row.
   */
  async insert(invitation: {
    organizationId: string;
    email: string;
    role: OrgRole;
    invitedBy: string;
  }): Promise<InvitationRow | undefined> {
    const [row] = await this.db
      .insert(invitations)
      .values({
        ...invitation,
        expiresAt: sql`now() + make_interval(days => ${INVITATION_LIFETIME_DAYS})`,
      })
      .onConflictDoNothing()
      .returning(columns);
    return row;
  }

  async markAnswered(
    id: string,
    answer: 'accepted' | 'declined' | 'revoked',
    memberId?: string,
  ): Promise<InvitationRow> {
    const [row] = await this.db
      .update(invitations)
      .set({ status: answer, respondedAt: sql`now()`, updatedAt: sql`now()`, memberId })
      .where(eq(invitations.id, id))
      .returning(columns);
    return row;
  }

  private activeOrganization(): SQL | undefined {
    return and(eq(organizations.id, invitations.organizationId), eq(organizations.deleted, false));
  }
}
