import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PlatformAdminOnly } from '../common/auth/platform-admin.guard';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto';
import { SkipTransaction } from '../common/transaction/skip-transaction.decorator';
import {
  ReconciliationPageDto,
  ReconciliationResponseDto,
  ReconciliationStartedDto,
  StartReconciliationQueryDto,
} from './dto/reconciliation.dto';
import { ReconciliationsService } from './reconciliations.service';

@ApiTags('reconciliations')
@ApiBearerAuth('bearer')
@PlatformAdminOnly()
@Controller('reconciliations')
export class ReconciliationsController {
  constructor(private readonly reconciliations: ReconciliationsService) {}

  /**
   * Starts a run now, in the background: the mirror compared with Clerk and GitHub and
   * repaired (`dryRun=true`: only reported). One run at a time across all instances.
   */
  @Post()
  @HttpCode(202)
  // The run row commits on its own before the run starts, and the run uses its own transactions.
  @SkipTransaction()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN', 'RECONCILIATION_RUNNING')
  async start(@Query() query: StartReconciliationQueryDto): Promise<ReconciliationStartedDto> {
    const run = await this.reconciliations.start(query.dryRun === true, 'request');
    return { id: run.id, status: 'running' };
  }

  /** Runs, newest first. */
  @Get()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN')
  async list(@Query() query: PaginationQueryDto): Promise<ReconciliationPageDto> {
    return mapPage(await this.reconciliations.list(query), ReconciliationResponseDto.from);
  }

  @Get(':reconciliationId')
  @ApiErrors('FORBIDDEN', 'RECONCILIATION_NOT_FOUND')
  async get(
    @Param('reconciliationId', pathId('RECONCILIATION')) id: string,
  ): Promise<ReconciliationResponseDto> {
    return ReconciliationResponseDto.from(await this.reconciliations.get(id));
  }
}
