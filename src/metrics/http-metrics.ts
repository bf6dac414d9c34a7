import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Gauge, Histogram } from 'prom-client';
import { MetricsService } from './metrics.service';

/**
 * Label of requests that matched no route of the API: unknown paths (Nest's not-found handler
 * is a wildcard route), refusals before routing (body limits).
 */
const UNMATCHED = 'unmatched';

/**
 * Request duration by method, route template and status, and requests in flight. The route is
 * the template Express matched (`/organizations/:orgId/members`), never the URL, so the number
 * of series stays bounded. Per request: one timestamp, one `close` listener, one map lookup.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly inFlight: Gauge;
  private readonly series = new Map<
    string,
    Histogram.Internal<'method' | 'route' | 'status_code'>
  >();

  constructor(private readonly metrics: MetricsService) {
    this.duration = metrics.histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.inFlight = metrics.gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests received and not yet answered',
    });
  }

  /** Express middleware; undefined when /metrics is served nowhere (nothing to measure for). */
  middleware(): ((req: Request, res: Response, next: NextFunction) => void) | undefined {
    if (!this.metrics.enabled) return undefined;
    const inFlight = this.inFlight;
    return (req, res, next) => {
      const started = performance.now();
      inFlight.inc();
      res.once('close', () => {
        inFlight.dec();
        this.observe(req, res.statusCode, (performance.now() - started) / 1000);
      });
      next();
    };
  }

  private observe(req: Request, status: number, seconds: number): void {
    const route = routeOf(req);
    const key = `${req.method} ${status} ${route}`;
    let child = this.series.get(key);
    if (!child) {
      child = this.duration.labels(req.method, route, String(status));
      this.series.set(key, child);
    }
    child.observe(seconds);
  }
}

function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || path.includes('*')) return UNMATCHED;
  return req.baseUrl ? req.baseUrl + path : path;
}
