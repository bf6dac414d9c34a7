import { Module } from '@nestjs/common';
import { MembershipMirrorRepository } from './membership-mirror.repository';
import { MembershipMirrorService } from './membership-mirror.service';
import { MembershipsController } from './memberships.controller';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';

@Module({
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
