import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ActorContext } from '../context/actor-context';
import { DomainError, UnauthenticatedError } from '../errors/domain-error';
import { isBoundedId } from '../ids/path-id';
import { FailedAuthenticationBudget } from '../rate-limit/failed-authentication.budget';
import { PrincipalRepository } from './principal.repository';
import { IS_PUBLIC } from './public.decorator';
import { TokenVerifier } from './token-verifier';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/;

/**
 * Global: every route needs a valid Clerk session token unless marked @Public(). Loads the
 * caller (and, on /organizations/:orgId routes, their membership there) once per request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly principals: PrincipalRepository,
    private readonly failedAuthentications: FailedAuthenticationBudget,
    private readonly actors: ActorContext,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const session = token ? await this.verifier.verify(token).catch(() => undefined) : undefined;
    if (!session) {
      await this.failedAuthentications.spend(request);
      throw new UnauthenticatedError();
    }
    const orgId = request.params?.orgId;
    const principal = await this.principals.load(
      session.userId,
      typeof orgId === 'string' && isBoundedId(orgId) ? orgId : undefined,
    );
    if (!principal) {
      // A valid token of a deleted or unknown user is a failed authentication too.
      await this.failedAuthentications.spend(request);
      throw new DomainError(
        'USER_NOT_PROVISIONED',
        'The session is valid but this user has no active account here',
      );
    }
    request.principal = principal;
    this.actors.setUser(principal.user.id);
    return true;
  }
}
