import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MyInvitationsController } from './my-invitations.controller';
import { OrganizationInvitationsController } from './organization-invitations.controller';

/** Invitations by email: org admins invite, list and revoke; the invitee accepts or declines. */
@Module({
  imports: [AuditModule, MembershipsModule],
  controllers: [OrganizationInvitationsController, MyInvitationsController],
  providers: [InvitationsService, InvitationsRepository],
})
export class InvitationsModule {}
