import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { Request } from 'express';
import { lastValueFrom, Observable, from } from 'rxjs';
import type { Database } from '../../db/database';
import { SKIP_TRANSACTION } from './skip-transaction.decorator';
import type { DrizzleAdapter } from './transaction-host';

declare module 'express' {
  interface Request {
    /** The request's transaction, for middleware-style code; prefer TransactionHost.tx in code. */
    tx?: Database;
  }
}

/**
 * Runs the controller call inside one transaction. The result is emitted only after COMMIT
 * succeeds, so a failed commit becomes an error response and never a 2xx; any error rolls back.
 */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly txHost: TransactionHost<DrizzleAdapter>,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const skip = this.reflector.getAllAndOverride<boolean>(SKIP_TRANSACTION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (skip || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    return from(
      this.txHost.withTransaction(async () => {
        request.tx = this.txHost.tx;
        try {
          return await lastValueFrom<unknown, undefined>(next.handle(), {
            defaultValue: undefined,
          });
        } finally {
          request.tx = undefined;
        }
      }),
    );
  }
}
