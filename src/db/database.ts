import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import { Pool } from 'pg';
import type { DatabaseConfig } from '../common/config/app-config';
import * as schema from './schema';

/** One Drizzle type for both drivers, so repositories never care which one runs. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A Drizzle instance with the handle behind it: a pg Pool or an embedded PGlite. */
export interface DatabaseConnection {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Database;
  readonly pool?: Pool;
  readonly pglite?: PGlite;
  /** Round trip to the server; rejects when it does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createPostgresConnection(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  logger?: DatabaseLogger,
): DatabaseConnection {
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    // Bounds every query server-side, so a stuck statement cannot hold a connection forever.
    options:
      config.statementTimeoutMs > 0
        ? `-c statement_timeout=${config.statementTimeoutMs}`
        : undefined,
    application_name: 'saas-core-api',
  });
  // Without a listener an idle client's error (server restart) would crash the process.
  pool.on('error', (err) => {
    logger?.error(
      {
        event: 'database-error',
        err: { message: err.message, code: (err as { code?: string }).code },
      },
      'Unexpected error on idle database client',
    );
  });
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  return {
    kind: 'postgres',
    db,
    pool,
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

export async function createPgliteConnection(
  dataDir: string,
  loadDataDir?: Blob,
): Promise<DatabaseConnection> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
  const db = drizzlePglite(pglite, { schema }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    pglite,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pglite.close(),
  };
}

export async function createDatabaseConnection(
  config: DatabaseConfig,
  logger?: DatabaseLogger,
): Promise<DatabaseConnection> {
  return config.kind === 'postgres'
    ? createPostgresConnection(config, logger)
    : createPgliteConnection(config.dataDir);
}
