import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { and, eq } from 'drizzle-orm';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import { Keyset } from '../db/keyset';
import { AuditEvent, auditEvents, NewAuditEvent } from '../db/schema';

export interface AuditEventFilter {
  action?: string;
  actorId?: string;
}

/** Newest first: `seq` grows with every insert, also within one transaction. */
const newestFirst = new Keyset(
  [{ column: auditEvents.seq, field: 'seq', kind: 'bigint' }],
  'newestFirst',
);

/** All audit SQL. Inserts only: the table refuses UPDATE and DELETE (a trigger). */
@Injectable()
export class AuditRepository {
  constructor(private readonly txHost: TransactionHost<DrizzleAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  async insert(event: NewAuditEvent): Promise<void> {
    await this.db.insert(auditEvents).values(event);
  }

  async list(
    organizationId: string,
    filter: AuditEventFilter,
    request: PageRequest,
  ): Promise<Page<AuditEvent>> {
    const rows = await this.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organizationId, organizationId),
          filter.action ? eq(auditEvents.action, filter.action) : undefined,
          filter.actorId ? eq(auditEvents.actorId, filter.actorId) : undefined,
          newestFirst.after(request.cursor),
        ),
      )
      .orderBy(...newestFirst.orderBy)
      .limit(request.limit + 1);
    return newestFirst.page(rows, request);
  }
}
