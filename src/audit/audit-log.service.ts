import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ActorContext } from '../common/context/actor-context';
import type { Page, PageRequest } from '../common/pagination/page';
import type { DrizzleAdapter } from '../common/transaction/transaction-host';
import type { AuditEvent } from '../db/schema';
import { AUDIT_ACTIONS, AuditAction } from './audit-actions';
import { AuditEventFilter, AuditRepository } from './audit.repository';

/** What a module says when it records a change; who and which request come from the context. */
export interface AuditRecord {
  organizationId: string;
  action: AuditAction;
  targetId: string;
  /** A few fields that say what changed, e.g. `{ from: 'member', to: 'admin' }`. */
  data?: Record<string, unknown>;
}

/** Small on purpose: an event says what changed, it is not a copy of the row. */
const MAX_DATA_BYTES = 4096;

/**
 * The audit log of organizations. Any module records its changes here, inside the transaction
 * that makes them: a change that rolls back leaves no event, a committed change always has one.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly events: AuditRepository,
    private readonly actors: ActorContext,
    private readonly txHost: TransactionHost<DrizzleAdapter>,
  ) {}

  async record(event: AuditRecord): Promise<void> {
    // Outside a transaction the event could outlive a change that failed, or miss one that held.
    if (!this.txHost.isTransactionActive()) {
      throw new Error(`Audit event ${event.action} recorded outside a transaction`);
    }
    const data = event.data ?? {};
    if (JSON.stringify(data).length > MAX_DATA_BYTES) {
      throw new Error(`Audit event ${event.action} carries more than ${MAX_DATA_BYTES} bytes`);
    }
    const actor = this.actors.current();
    await this.events.insert({
      organizationId: event.organizationId,
      actorId: actor.id,
      actorType: actor.type,
      action: event.action,
      targetType: AUDIT_ACTIONS[event.action],
      targetId: event.targetId,
      data,
      requestId: this.actors.requestId(),
    });
  }

  list(
    organizationId: string,
    filter: AuditEventFilter,
    request: PageRequest,
  ): Promise<Page<AuditEvent>> {
    return this.events.list(organizationId, filter, request);
  }
}
