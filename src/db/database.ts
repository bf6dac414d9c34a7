import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Pool } from 'pg';
import type { DatabaseConfig } from '../common/config/app-config';
import { createPool, type DatabaseLogger } from './postgres-pool';
import * as schema from './schema';

/** One Drizzle type for both drivers, so repositories never care which one runs. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type { DatabaseLogger };

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
  const pool = createPool(config, logger);
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
  const releaseLock = dataDir.startsWith('memory://') ? () => undefined : lockDataDir(dataDir);
  const pglite = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
  const db = drizzlePglite(pglite, { schema }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    pglite,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      await pglite.close();
      releaseLock();
    },
  };
}

/**
 * PGlite is single-process: a second process on the same directory would corrupt it. A pid file
 * next to the data turns that into a clear error (a stale file from a dead process is taken over).
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = `${dataDir.replace(/\/+$/, '')}.lock`;
  const holder = existsSync(lockFile) ? Number(readFileSync(lockFile, 'utf8')) : undefined;
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `The embedded database at ${dataDir} is in use by process ${holder} (a running service?). ` +
        'Stop it first, or set DATABASE_URL to use a PostgreSQL server.',
    );
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function createDatabaseConnection(
  config: DatabaseConfig,
  logger?: DatabaseLogger,
): Promise<DatabaseConnection> {
  return config.kind === 'postgres'
    ? createPostgresConnection(config, logger)
    : createPgliteConnection(config.dataDir);
}
