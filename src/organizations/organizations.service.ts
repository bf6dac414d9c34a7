import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/auth/principal';
import { DomainError, ForbiddenError, NotFoundError } from '../common/errors/domain-error';
import { generateShortId } from '../common/ids/short-id';
import type { Page, PageRequest } from '../common/pagination/page';
import type { Organization, User } from '../db/schema';
import { AuditLog } from '../audit/audit-log.service';
import { MembershipsService } from '../memberships/memberships.service';
import type { Plan } from './dto/organization.dto';
import { OrganizationsRepository } from './organizations.repository';

export interface OrganizationListQuery extends PageRequest {
  all?: boolean;
  includeDeleted?: boolean;
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsService,
    private readonly audit: AuditLog,
  ) {}

  /** The creator becomes its first admin in the same transaction. */
  async create(
    caller: User,
    input: { name: string; plan?: Plan; id?: string },
  ): Promise<Organization> {
    const plan = input.plan ?? 'FREE';
    if (!caller.isAdmin && (input.id !== undefined || plan !== 'FREE')) {
      throw new ForbiddenError('Only platform admins choose an id or a paid plan');
    }
    const created = await this.organizations.insert({
      id: input.id ?? generateShortId('org'),
      name: input.name,
      plan,
    });
    if (!created) {
      throw new DomainError(
        'ORGANIZATION_ALREADY_EXISTS',
        `An organization with id ${input.id} exists`,
      );
    }
    await this.memberships.addFounder(created.id, caller.id);
    return created;
  }

  async list(caller: User, query: OrganizationListQuery): Promise<Page<Organization>> {
    if ((query.all || query.includeDeleted) && !caller.isAdmin) {
      throw new ForbiddenError('Only platform admins list every organization');
    }
    return query.all
      ? this.organizations.listAll(query, query.includeDeleted)
      : this.organizations.listForUser(caller.id, query);
  }

  /**
   * Organization admins change the name, platform admins the plan too. Anyone else is refused
   * whatever the body holds, an empty one included.
   */
  async update(
    caller: Principal,
    organizationId: string,
    changes: { name?: string; plan?: Plan },
  ): Promise<Organization> {
    const isPlatformAdmin = caller.user.isAdmin;
    if (!isPlatformAdmin && caller.membership?.role !== 'admin') {
      throw new ForbiddenError('Organization admins only');
    }
    if (changes.plan !== undefined && !isPlatformAdmin) {
      throw new ForbiddenError('Only platform admins change the plan');
    }
    const before = await this.organizations.findForUpdate(organizationId);
    if (!before) throw new NotFoundError('ORGANIZATION');
    const changed = changedFields(before, changes);
    if (Object.keys(changed).length === 0) return before;
    const updated = (await this.organizations.update(organizationId, changes))!;
    await this.audit.record({
      organizationId,
      action: 'organization.updated',
      targetId: organizationId,
      data: changed,
    });
    return updated;
  }

  async softDelete(organizationId: string): Promise<void> {
    await this.organizations.softDelete(organizationId);
    await this.audit.record({
      organizationId,
      action: 'organization.deleted',
      targetId: organizationId,
    });
  }

  async restore(organizationId: string): Promise<Organization> {
    const restored = await this.organizations.restore(organizationId);
    if (!restored) throw new NotFoundError('ORGANIZATION');
    await this.audit.record({
      organizationId,
      action: 'organization.restored',
      targetId: organizationId,
    });
    return restored;
  }
}

/** `{ name: { from, to } }` for each field the change really alters. */
function changedFields(
  before: Organization,
  changes: { name?: string; plan?: Plan },
): Record<string, { from: string; to: string }> {
  const changed: Record<string, { from: string; to: string }> = {};
  for (const field of ['name', 'plan'] as const) {
    const to = changes[field];
    if (to !== undefined && to !== before[field]) changed[field] = { from: before[field], to };
  }

  return changed;
}
