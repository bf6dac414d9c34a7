import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationMirrorRepository } from './organization-mirror.repository';
import { OrganizationMirrorService } from './organization-mirror.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [MembershipsModule, AuditModule],
  controllers: [OrganizationsController],
  providers: [
    OrganizationsService,
    OrganizationsRepository,
    OrganizationMirrorService,
    OrganizationMirrorRepository,
  ],
  exports: [OrganizationsService, OrganizationMirrorService],
})
export class OrganizationsModule {}
