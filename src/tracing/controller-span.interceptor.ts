import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  Provider,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { context as otelContext, SpanStatusCode, trace } from '@opentelemetry/api';
import { Observable } from 'rxjs';

const tracer = trace.getTracer('saas-core-api');

/**
 * A span per controller call (`MembershipsController.list`), parent of the call's transaction
 * and SQL spans. OpenTelemetry's NestJS instrumentation does this for Nest ≤ 11 only: it patches
 * Nest's CommonJS files, and Nest 12 is ESM-only. Registered before the TransactionInterceptor,
 * so BEGIN and COMMIT fall inside the span. Registered only when tracing is on.
 */
@Injectable()
export class ControllerSpanInterceptor implements NestInterceptor {
  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Only inside a traced request: probes and scrapes are not traced, and start no trace here.
    if (!trace.getSpan(otelContext.active())) return next.handle();
    const controller = executionContext.getClass().name;
    const handler = executionContext.getHandler().name;
    return new Observable((subscriber) => {
      const span = tracer.startSpan(`${controller}.${handler}`, {
        attributes: {
          component: '@nestjs/core',
          'nestjs.type': 'handler',
          'nestjs.controller': controller,
          'nestjs.callback': handler,
        },
      });
      const active = trace.setSpan(otelContext.active(), span);
      const subscription = otelContext.with(active, () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (err: unknown) => {
            span.recordException(err instanceof Error ? err : String(err));
            span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
            span.end();
            subscriber.error(err);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      );
      return () => subscription.unsubscribe();
    });
  }
}

export const controllerSpanProvider: Provider = {
  provide: APP_INTERCEPTOR,
  useClass: ControllerSpanInterceptor,
};
