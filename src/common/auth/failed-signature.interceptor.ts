import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { FailedAuthenticationBudget } from '../rate-limit/failed-authentication.budget';

/**
 * Webhook routes are not rate limited (their senders retry from a few addresses), so a bad
 * signature would cost nothing to repeat. Wherever a route answers INVALID_SIGNATURE, that
 * failure spends the caller's IP budget like a bad session token; once it is spent the answer
 * is 429. Valid deliveries never spend it. Applied by @WebhookEndpoint() to the controllers
 * that check signatures, and not globally: every other request would pay for it.
 */
@Injectable()
export class FailedSignatureInterceptor implements NestInterceptor {
  constructor(private readonly failedAuthentications: FailedAuthenticationBudget) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'INVALID_SIGNATURE')) {
          return throwError(() => error);
        }
        const request = context.switchToHttp().getRequest<Request>();
        return from(this.failedAuthentications.spend(request)).pipe(
          mergeMap(() => throwError(() => error)),
        );
      }),
    );
  }
}
