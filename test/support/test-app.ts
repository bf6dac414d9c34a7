import { Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig, loadConfig } from '../../src/common/config/app-config';
import type { Database, DatabaseConnection } from '../../src/db/database';
import { DATABASE_CONNECTION } from '../../src/db/drizzle.module';
import { testPublicKey } from './auth';
import { once, onCleanup } from './cleanup';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  /** The Node HTTP server, for supertest. */
  server: ReturnType<NestExpressApplication['getHttpServer']>;
  /** Root Drizzle instance on the file's own database, for arranging and asserting rows. */
  db: Database;
  database: TestDatabase;
  config: AppConfig;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  imports?: Type[];
  /** Use this connection instead of the file's own database (fault tests). */
  connection?: DatabaseConnection;
}

/** The environment every test app starts from; tests override single variables. */
export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    DB_MIGRATE_ON_START: 'false',
    CLERK_JWT_KEY: testPublicKey(),
    // Webhook workers poll often and retry soon, so tests wait little.
    JOB_POLL_INTERVAL_MS: '100',
    JOB_RETRY_DELAY_SECONDS: '1',
    // No scheduled reconciliation: it would repair fixtures that no stub describes.
    RECONCILE_INTERVAL_MINUTES: '0',
    ...overrides,
  };
}

/** The real application (all modules, pipes, filters, interceptors) on the file's own database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.connection
    ? { mode: 'server' as const, connection: options.connection, destroy: () => Promise.resolve() }
    : await createTestDatabase();
  try {
    return await startApp(database, options);
  } catch (err) {
    await database.destroy();
    throw err;
  }
}

async function startApp(database: TestDatabase, options: TestAppOptions): Promise<TestApp> {
  const config = loadConfig(
    testEnv({ ...(database.url ? { DATABASE_URL: database.url } : {}), ...options.env }),
  );
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, { imports: options.imports })],
  })
    .overrideProvider(DATABASE_CONNECTION)
    .useValue(database.connection)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    rawBody: true,
    bufferLogs: true,
  });
  const close = once(async () => {
    await app.close();
    await database.destroy();
  });
  onCleanup('test app', close);
  app.useLogger(app.get(Logger));
  await configureApp(app, config);
  await app.init();
  return { app, server: app.getHttpServer(), db: database.connection.db, database, config, close };
}
