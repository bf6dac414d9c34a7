import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MembershipMirrorRepository } from './membership-mirror.repository';
import { MembershipMirrorService } from './membership-mirror.service';
import { MembershipsController } from './memberships.controller';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';

@Module({
  imports: [AuditModule],
  controllers: [MembershipsController],
  providers: [
    MembershipsService,
    MembershipsRepository,
    MembershipMirrorService,
    MembershipMirrorRepository,
  ],
  exports: [MembershipsService, MembershipMirrorService],
})
export class MembershipsModule {}
