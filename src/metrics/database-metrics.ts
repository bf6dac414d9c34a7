import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseConnection } from '../db/database';
import { DATABASE_CONNECTION } from '../db/drizzle.module';
import { MetricsService } from './metrics.service';

/**
 * The pg pool's connections, read at scrape time. Not registered on the embedded PGlite, which
 * has one connection and no pool.
 */
@Injectable()
export class DatabaseMetrics {
  constructor(
    metrics: MetricsService,
    @Inject(DATABASE_CONNECTION) connection: DatabaseConnection,
  ) {
    const pool = connection.pool;
    if (!pool) return;
    const gauge = (name: string, help: string, read: () => number) =>
      metrics.gauge({
        name,
        help,
        collect() {
          this.set(read());
        },
      });
    gauge(
      'db_pool_connections',
      'Open connections of the pg pool, busy or idle',
      () => pool.totalCount,
    );
    gauge(
      'db_pool_idle_connections',
      'Open connections of the pg pool not in use',
      () => pool.idleCount,
    );
    gauge(
      'db_pool_waiting_requests',
      'Callers waiting for a pool connection (all connections busy)',
      () => pool.waitingCount,
    );
    gauge('db_pool_max_connections', 'The pool size (DB_POOL_MAX)', () => pool.options.max);
  }
}
