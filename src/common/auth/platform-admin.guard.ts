import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { ForbiddenError } from '../errors/domain-error';

@Injectable()
export class PlatformAdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<Request>().principal;
    if (!principal?.user.isAdmin) throw new ForbiddenError('Platform administrators only');
    return true;
  }
}

/** Restricts a route to platform administrators (`users.isAdmin`); others get 403 FORBIDDEN. */
export const PlatformAdminOnly = () => applyDecorators(UseGuards(PlatformAdminGuard));
