import { DynamicModule, Global, Module } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { AppConfig } from '../common/config/app-config';
import { DatabaseMetrics } from './database-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics. `MetricsService` is global: any module injects it to add metrics of its
 * own. `/metrics` is served on the API port only with METRICS_TOKEN (the controller exists only
 * then), on a second listener with METRICS_PORT; with neither, nowhere, and the per-request
 * middleware and Node's process metrics are not installed.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MetricsModule,
      controllers: config.metrics.token ? [MetricsController] : [],
      providers: [
        {
          provide: MetricsService,
          inject: [AppConfig],
          useFactory: (appConfig: AppConfig) => {
            const metrics = new MetricsService(appConfig);
            if (metrics.enabled) collectDefaultMetrics({ register: metrics.registry });
            return metrics;
          },
        },
        HttpMetrics,
        DatabaseMetrics,
        MetricsServer,
      ],
      exports: [MetricsService, HttpMetrics, MetricsServer],
    };
  }
}
