import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ClerkModule } from '../clerk/clerk.module';
import { GithubModule } from '../github/github.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { ClerkMembershipsReconciler } from './clerk-memberships.reconciler';
import { ClerkReconciler } from './clerk-reconciler';
import { GithubReconciler } from './github-reconciler';
import { ReconciliationMetrics } from './reconciliation-metrics';
import { ReconciliationRunsRepository } from './reconciliation-runs.repository';
import { ReconciliationScheduler } from './reconciliation.scheduler';
import { ReconciliationsController } from './reconciliations.controller';
import { ReconciliationsService } from './reconciliations.service';

/** The mirror repaired from Clerk and GitHub: on a schedule and on demand (/reconciliations). */
@Module({
  imports: [
    ClerkModule,
    GithubModule,
    UsersModule,
    OrganizationsModule,
    MembershipsModule,
    AuditModule,
  ],
  controllers: [ReconciliationsController],
  providers: [
    ReconciliationsService,
    ReconciliationRunsRepository,
    ReconciliationScheduler,
    ClerkReconciler,
    ClerkMembershipsReconciler,
    GithubReconciler,
    ReconciliationMetrics,
  ],
})
export class ReconciliationModule {}
