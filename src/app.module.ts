import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { ClerkModule } from './clerk/clerk.module';
import { AuthModule } from './common/auth/auth.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { AppConfig } from './common/config/app-config';
import { ConfigModule } from './common/config/config.module';
import { ContextModule } from './common/context/context.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/http/validation';
import { LoggingModule } from './common/logging/logging.module';
import { TransactionInterceptor } from './common/transaction/transaction.interceptor';
import { TransactionModule } from './common/transaction/transaction.module';
import { DrizzleModule } from './db/drizzle.module';
import { GithubModule } from './github/github.module';
import { HealthModule } from './health/health.module';
import { InvitationsModule } from './invitations/invitations.module';
import { JobsModule } from './jobs/jobs.module';
import { MembershipsModule } from './memberships/memberships.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { tracingProviders } from './tracing';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { UsersModule } from './users/users.module';
import { WebhookDeliveriesModule } from './webhooks/webhook-deliveries.module';
// generate:module imports (npm run generate:module adds a module's import above this line)

/** Feature modules, in the order their routes appear in the API. Add new modules here. */
export const FEATURE_MODULES: Type[] = [
  HealthModule,
  UsersModule,
  OrganizationsModule,
  MembershipsModule,
  InvitationsModule,
  GithubModule,
  ClerkModule,
  WebhookDeliveriesModule,
  AuditModule,
  ReconciliationModule,
  // generate:module modules
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extra: { imports?: Type[] } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule.forRoot(config),
        DrizzleModule,
        TransactionModule,
        ContextModule,
        JobsModule,
        AuthModule,
        RateLimitModule,
        ...FEATURE_MODULES,
        ...(extra.imports ?? []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // With tracing on, a span per controller call, around the transaction.
        ...tracingProviders(),
        { provide: APP_INTERCEPTOR, useClass: TransactionInterceptor },
      ],
    };
  }
}
