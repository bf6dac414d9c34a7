import { Injectable } from '@nestjs/common';
import {
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Registry,
} from 'prom-client';
import { AppConfig } from '../common/config/app-config';

/**
 * The service's Prometheus registry. Any module adds its own metrics by injecting this service
 * (MetricsModule is global) and calling `counter`, `gauge` or `histogram` once, in a constructor
 * or `onModuleInit`; a gauge that reads its value at scrape time passes `collect`.
 * Names are snake_case with the unit last (`_seconds`, `_total` for counters); label values
 * must come from a small fixed set (never an id, a URL or a user's input).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** True when /metrics is served somewhere (METRICS_PORT or METRICS_TOKEN). */
  readonly enabled: boolean;

  constructor(config: AppConfig) {
    this.enabled = config.metrics.port !== undefined || config.metrics.token !== undefined;
  }

  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return new Gauge({ ...config, registers: [this.registry] });
  }

  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T> {
    return new Histogram({ ...config, registers: [this.registry] });
  }

  /** The text exposition format, read now (scrape-time gauges collect here). */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
