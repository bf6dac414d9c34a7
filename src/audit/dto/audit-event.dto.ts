import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { OptionalField } from '../../common/http/optional-field';
import type { ActorType } from '../../common/context/actor-context';
import { PageOf } from '../../common/pagination/page.dto';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto';
import type { AuditEvent } from '../../db/schema';
import { AUDIT_ACTION_NAMES, type AuditAction } from '../audit-actions';

export class AuditEventResponseDto {
  id!: string;
  organizationId!: string;
  /** The user who acted; null when Clerk, GitHub or the service itself did. */
  actorId!: string | null;
  actorType!: ActorType;
  action!: AuditAction;
  /** organization, member, invitation or installation. */
  targetType!: string;
  targetId!: string;
  /** What changed, e.g. `{ "from": "member", "to": "admin" }` for a role change. */
  data!: Record<string, unknown>;
  /** X-Request-Id of the request that made the change; null outside a request. */
  requestId!: string | null;
  createdAt!: Date;

  static from(event: AuditEvent): AuditEventResponseDto {
    return {
      id: event.id,
      organizationId: event.organizationId,
      actorId: event.actorId,
      actorType: event.actorType as ActorType,
      action: event.action as AuditAction,
      targetType: event.targetType,
      targetId: event.targetId,
      data: event.data as Record<string, unknown>,
      requestId: event.requestId,
      createdAt: event.createdAt,
    };
  }
}

export class AuditEventPageDto extends PageOf(AuditEventResponseDto) {}

export class ListAuditEventsQueryDto extends PaginationQueryDto {
  /** Only events of this action. */
  @OptionalField()
  @IsIn(AUDIT_ACTION_NAMES)
  action?: AuditAction;

  /** Only events by this user. */
  @OptionalField()
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'actorId may contain letters, digits, _ and - only' })
  actorId?: string;
}
