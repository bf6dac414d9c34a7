import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsService } from '../../metrics/metrics.service';

/** 429 answers, by the budget that ran out: a caller's requests, or an IP's failed authentications. */
@Injectable()
export class RateLimitRejections {
  private readonly counter: Counter<'budget'>;

  constructor(metrics: MetricsService) {
    this.counter = metrics.counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests refused with 429 RATE_LIMITED, by budget (requests, failed_authentications)',
      labelNames: ['budget'],
    });
  }

  count(budget: 'requests' | 'failed_authentications'): void {
    this.counter.inc({ budget });
  }
}
