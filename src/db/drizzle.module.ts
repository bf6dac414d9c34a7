import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { createDatabaseConnection, DatabaseConnection } from './database';
import { migrationStatus } from './migration-status';
import { runMigrations } from './migrator';

/** The connection (pool or PGlite) behind the single Drizzle instance. */
export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');
/** The root Drizzle instance; repositories reach it through the TransactionHost, not directly. */
export const DRIZZLE = Symbol('DRIZZLE');

const logger = new Logger('Database');

async function connect(config: AppConfig): Promise<DatabaseConnection> {
  const connection = await createDatabaseConnection(config.database, {
    info: (obj, msg) => logger.log({ ...obj, msg }),
    error: (obj, msg) => logger.error({ ...obj, msg }),
  });
  if (connection.kind === 'postgres' && config.nodeEnv !== 'test') {
    try {
      await connection.ping();
    } catch (err) {
      logger.error({
        msg: 'Database initialization failed',
        event: 'database-init-failed',
        err: { message: (err as Error).message, code: (err as { code?: string }).code },
      });
      await connection.close().catch(() => undefined);
      throw err;
    }
  }
  logger.log({
    msg: 'Database connection established',
    event: 'database-connected',
    driver: connection.kind,
  });
  if (config.migrateOnStart) {
    await runMigrations(connection);
    logger.log({ msg: 'Migrations applied', event: 'database-migrated' });
  } else {
    await reportPendingMigrations(connection);
  }
  return connection;
}

/**
 * Started on a database that lacks this build's migrations, every call would fail with 500
 * ("relation does not exist"). The service still starts (readiness answers 503 with the reason
 * until the schema is current), and says what to do.
 */
async function reportPendingMigrations(connection: DatabaseConnection): Promise<void> {
  const status = await migrationStatus(connection.db).catch(() => undefined);
  if (!status?.pending) return;
  logger.error({
    msg:
      `The database schema is ${status.pending} of ${status.known} migrations behind this build: ` +
      'run `npm run db:migrate` (or start with DB_MIGRATE_ON_START=true). ' +
      '/health/ready answers 503 until then.',
    event: 'database-schema-behind',
    pendingMigrations: status.pending,
  });
}

class DatabaseShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

@Global()
@Module({
  providers: [
    { provide: DATABASE_CONNECTION, inject: [AppConfig], useFactory: connect },
    {
      provide: DRIZZLE,
      inject: [DATABASE_CONNECTION],
      useFactory: (connection: DatabaseConnection) => connection.db,
    },
    DatabaseShutdown,
  ],
  exports: [DATABASE_CONNECTION, DRIZZLE],
})
export class DrizzleModule {}
