import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../common/async/with-timeout';
import type { DatabaseConnection } from '../db/database';
import { DATABASE_CONNECTION } from '../db/drizzle.module';
import { migrationStatus, MigrationStatus } from '../db/migration-status';

const CHECK_TIMEOUT_MS = 2000;

/** Why the database cannot serve this build: it does not answer, or its schema is behind. */
export type DatabaseDownReason = 'unreachable' | 'schema-behind';

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Up when the database answers within 2 s and has applied every migration of this build. */
  async isHealthy(key = 'database') {
    const indicator = this.health.check(key);
    const driver = this.connection.kind;
    let status: MigrationStatus;
    try {
      status = await withTimeout(
        migrationStatus(this.connection.db),
        CHECK_TIMEOUT_MS,
        'database check',
      );
    } catch {
      return indicator.down({ driver, reason: 'unreachable' satisfies DatabaseDownReason });
    }
    if (status.pending > 0) {
      return indicator.down({
        driver,
        reason: 'schema-behind' satisfies DatabaseDownReason,
        pendingMigrations: status.pending,
      });
    }
    return indicator.up({ driver, migrations: status.known });
  }
}
