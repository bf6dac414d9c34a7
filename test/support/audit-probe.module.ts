import { Controller, Module, Param, Post } from '@nestjs/common';
import { AuditLog } from '../../src/audit/audit-log.service';
import { AuditModule } from '../../src/audit/audit.module';
import { OrganizationsModule } from '../../src/organizations/organizations.module';
import { OrganizationsService } from '../../src/organizations/organizations.service';

/** Test-only routes that write audit events through the real services and pipeline. */
@Controller('probe-audit/:orgId')
class AuditProbeController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditLog,
  ) {}

  /** A change, its audit event, then a failure: the transaction must drop both. */
  @Post('delete-then-fail')
  async deleteThenFail(@Param('orgId') orgId: string): Promise<never> {
    await this.organizations.softDelete(orgId);
    throw new Error('failure after the audit write');
  }

  /** Three events in one transaction, in a known order. */
  @Post('three')
  async three(@Param('orgId') orgId: string): Promise<{ ok: true }> {
    for (const n of [1, 2, 3]) {
      await this.audit.record({
        organizationId: orgId,
        action: 'organization.updated',
        targetId: orgId,
        data: { n },
      });
    }
    return { ok: true };
  }
}

@Module({ imports: [OrganizationsModule, AuditModule], controllers: [AuditProbeController] })
export class AuditProbeModule {}
