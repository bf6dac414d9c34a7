import { Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '../common/async/with-timeout';
import { MetricsService } from '../metrics/metrics.service';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

/** A scrape never waits longer than this for the database; the gauges keep their last values. */
const READ_TIMEOUT_MS = 1000;
const SOURCES = ['clerk', 'github'] as const;
const STATUSES = ['queued', 'failed'] as const;

/**
 * Webhook delivery gauges, read from the database at scrape time so every instance reports the
 * same shared backlog (an in-process counter would only see its own deliveries):
 * `webhook_deliveries{source,status}` for queued and failed rows (the ones someone acts on;
 * applied, ignored and duplicate rows only grow), and the age of the oldest queued delivery
 * that is not waiting for its installation to be linked. One indexed query per scrape.
 */
@Injectable()
export class WebhookMetrics {
  private readonly logger = new Logger('WebhookMetrics');

  constructor(metrics: MetricsService, deliveries: WebhookDeliveriesService) {
    let pending: Promise<Awaited<ReturnType<WebhookDeliveriesService['backlog']>>> | undefined;
    // Both gauges collect in one scrape: they share one read.
    const read = () => {
      pending ??= withTimeout(deliveries.backlog(), READ_TIMEOUT_MS).finally(() => {
        setImmediate(() => (pending = undefined));
      });
      return pending;
    };
    const logger = this.logger;
    metrics.gauge({
      name: 'webhook_deliveries',
      help: 'Webhook deliveries queued or failed now, by source and status',
      labelNames: ['source', 'status'],
      async collect() {
        try {
          const rows = await read();
          for (const source of SOURCES)
            for (const status of STATUSES) {
              const row = rows.find((r) => r.source === source && r.status === status);
              this.set({ source, status }, row?.count ?? 0);
            }
        } catch (err) {
          logger.warn({ msg: 'Webhook backlog not read', err: (err as Error).message });
        }
      },
    });
    metrics.gauge({
      name: 'webhook_deliveries_oldest_queued_age_seconds',
      help: 'Age of the oldest queued delivery not waiting for a link, by source (0: none)',
      labelNames: ['source'],
      async collect() {
        const rows = await read().catch(() => undefined);
        if (!rows) return;
        for (const source of SOURCES) {
          const row = rows.find((r) => r.source === source && r.status === 'queued');
          this.set({ source }, Math.max(0, row?.oldestQueuedAgeSeconds ?? 0));
        }
      },
    });
  }
}
