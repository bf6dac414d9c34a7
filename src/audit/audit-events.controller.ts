import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OrganizationScoped, OrgAdminOnly } from '../common/auth/organization-access.guard';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import { AuditLog } from './audit-log.service';
import {
  AuditEventPageDto,
  AuditEventResponseDto,
  ListAuditEventsQueryDto,
} from './dto/audit-event.dto';

@ApiTags('audit')
@ApiBearerAuth('bearer')
@OrganizationScoped()
@Controller('organizations/:orgId/audit-events')
export class AuditEventsController {
  constructor(private readonly audit: AuditLog) {}

  /** Every change to the organization, newest first; several written together keep their order. */
  @Get()
  @OrgAdminOnly()
  @ApiErrors('VALIDATION_FAILED')
  async list(
    @Param('orgId') orgId: string,
    @Query() query: ListAuditEventsQueryDto,
  ): Promise<AuditEventPageDto> {
    const filter = { action: query.action, actorId: query.actorId };
    return mapPage(await this.audit.list(orgId, filter, query), AuditEventResponseDto.from);
  }
}
