import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../common/auth/public.decorator';
import { DatabaseUnavailableError } from '../common/errors/domain-error';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { SkipTransaction } from '../common/transaction/skip-transaction.decorator';
import { DatabaseHealthIndicator } from './database.health';

@ApiTags('health')
@Public()
// Load balancer probes must never be rate limited.
@SkipThrottle()
@SkipTransaction()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'The process is alive (the database is not consulted)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ description: 'The database answers' })
  @ApiErrors('DATABASE_UNAVAILABLE')
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.isHealthy()]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) throw new DatabaseUnavailableError();
      throw err;
    }
  }
}
