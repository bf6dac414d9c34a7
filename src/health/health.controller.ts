import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../common/auth/public.decorator';
import { DatabaseUnavailableError, DomainError } from '../common/errors/domain-error';
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
  @ApiOkResponse({
    description: "The database answers and has applied every migration of this build's code",
  })
  @ApiErrors('DATABASE_UNAVAILABLE')
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.isHealthy()]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) throw notReady(err);
      throw err;
    }
  }
}

function notReady(err: ServiceUnavailableException): DomainError {
  const result = err.getResponse() as Partial<HealthCheckResult>;
  const database = result.error?.database as { pendingMigrations?: number } | undefined;
  const pending = database?.pendingMigrations;
  if (!pending) return new DatabaseUnavailableError();
  return new DomainError(
    'DATABASE_UNAVAILABLE',
    `The database schema is ${pending} migration${pending === 1 ? '' : 's'} behind this ` +
      'version of the service; run npm run db:migrate',
    [{ field: 'schema', message: 'pending migrations', pendingMigrations: pending }],
  );
}
