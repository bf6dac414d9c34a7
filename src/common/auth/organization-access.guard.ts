import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, NotFoundError } from '../errors/domain-error';
import { ApiErrors } from '../openapi/api-errors.decorator';
import type { OrgRole } from './principal';

export interface OrganizationAccessOptions {
  /** The least org role the route needs; platform admins always pass. Default: member. */
  role?: OrgRole;
  /**
   * Whether a platform admin may reach a soft-deleted organization here: always (restore), or
   * only when the request says `?includeDeleted=true`. Nobody else ever can.
   */
  deleted?: 'allowed' | 'whenRequested';
}

const ORGANIZATION_ACCESS = 'organizationAccess';

/**
 * Tenancy, in one place: the caller must be an active member of the active organization in
 * `:orgId` (or a platform admin). Everyone else gets 404 ORGANIZATION_NOT_FOUND, so an
 * organization's existence is never revealed; guards run before any body validation.
 */
@Injectable()
export class OrganizationAccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const options =
      this.reflector.getAllAndOverride<OrganizationAccessOptions>(ORGANIZATION_ACCESS, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    const request = context.switchToHttp().getRequest<Request>();
    const { user, organization, membership } = request.principal!;
    if (!organization) throw new NotFoundError('ORGANIZATION');
    if (user.isAdmin) {
      const deletedAllowed =
        options.deleted === 'allowed' ||
        (options.deleted === 'whenRequested' && request.query.includeDeleted === 'true');
      if (organization.deleted && !deletedAllowed) throw new NotFoundError('ORGANIZATION');
      return true;
    }
    if (organization.deleted || !membership) throw new NotFoundError('ORGANIZATION');
    if (options.role === 'admin' && membership.role !== 'admin') {
      throw new ForbiddenError('Organization admins only');
    }
    return true;
  }
}

/** Puts a whole controller under /organizations/:orgId behind the tenancy guard. */
export const OrganizationScoped = () => UseGuards(OrganizationAccessGuard);

/** Per-route tenancy options inside an @OrganizationScoped() controller. */
export const OrganizationAccess = (options: OrganizationAccessOptions) =>
  applyDecorators(
    SetMetadata(ORGANIZATION_ACCESS, options),
    ...(options.role === 'admin' ? [ApiErrors('FORBIDDEN')] : []),
  );

/** Shorthand: organization admins (and platform admins) only. */
export const OrgAdminOnly = () => OrganizationAccess({ role: 'admin' });
