import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/public.decorator';
import { AppConfig } from '../common/config/app-config';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { FailedAuthenticationBudget } from '../common/rate-limit/failed-authentication.budget';
import { SkipTransaction } from '../common/transaction/skip-transaction.decorator';
import { MetricsService } from './metrics.service';
import { MetricsToken } from './metrics-token';

/**
 * `GET /metrics` on the API port, for the holder of METRICS_TOKEN (registered only when it is
 * set). Not part of the API: kept out of the OpenAPI document. A wrong token spends the
 * caller's failed-authentication budget, like a bad session token; the scraper itself is never
 * rate limited.
 */
@ApiExcludeController()
@Public()
@SkipThrottle()
@SkipTransaction()
@Controller('metrics')
export class MetricsController {
  private readonly token: MetricsToken;

  constructor(
    private readonly metrics: MetricsService,
    private readonly failures: FailedAuthenticationBudget,
    config: AppConfig,
  ) {
    this.token = new MetricsToken(config.metrics.token ?? '');
  }

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.token.accepts(req.headers.authorization)) {
      await this.failures.spend(req);
      throw new UnauthenticatedError('A valid metrics token is required');
    }
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  }
}
