import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** A transaction its client leaves idle this long is ended by the server (see startupOptions). */
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

export function createPostgresConnection(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  logger?: DatabaseLogger,
): DatabaseConnection {
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    options: startupOptions(config),
    application_name: 'saas-core-api',
  });
  watchConnections(pool, logger);
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

/**
 * Server-side bounds for every session of the pool, sent as startup parameters:
 * - statement_timeout: a stuck statement cannot hold a connection forever.
 * - idle_in_transaction_session_timeout: a transaction whose client stops talking (a frozen or
 *   partitioned process) cannot hold its row locks forever; the server ends the session. A
 *   request's transaction is idle only between two of its queries (milliseconds), and a request
 *   that waits 10 s would be cut off by the SIGTERM grace anyway.
 */
function startupOptions(config: Extract<DatabaseConfig, { kind: 'postgres' }>): string | undefined {
  const idleInTransaction =
    config.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS;
  const options = [
    config.statementTimeoutMs > 0 ? `-c statement_timeout=${config.statementTimeoutMs}` : '',
    idleInTransaction > 0 ? `-c idle_in_transaction_session_timeout=${idleInTransaction}` : '',
  ].filter(Boolean);
  return options.length > 0 ? options.join(' ') : undefined;
}

/**
 * No database event may end the process. pg-pool listens for `error` only on idle clients and
 * removes that listener on checkout, so a connection cut while a request holds it (between two
 * queries, idle in transaction, or under a running query: the server's FATAL and then the closed
 * socket) would emit `error` on a client nobody listens to. Every client gets a listener of its
 * own for its whole life.
 *
 * The request on such a client fails by itself: its next query (or the ROLLBACK drizzle sends)
 * rejects with "Client has encountered a connection error and is not queryable", which answers
 * 503. Drizzle's transaction and the @nestjs-cls Drizzle adapter then call `release()` without
 * an error; pg-pool discards a released client whose connection died (`_queryable` false)
 * instead of returning it to the idle list, and opens a fresh one on the next checkout.
 *
 * The listeners are bound to the context the pool is created in (at start-up, outside any
 * request): the 'connect' event fires inside the request that asked for the connection, and a
 * listener running there would log that unrelated request's id.
 */
function watchConnections(pool: Pool, logger?: DatabaseLogger): void {
  const lost = new WeakSet<object>();
  const report = AsyncLocalStorage.bind((client: object, err: Error) => {
    // A terminated session emits twice: the server's FATAL message, then the closed socket.
    if (lost.has(client)) return;
    lost.add(client);
    logger?.error(
      {
        event: 'database-error',
        err: { message: err.message, code: (err as { code?: string }).code },
      },
      'A database connection was lost; the pool replaces it',
    );
  });
  pool.on('connect', (client) => client.on('error', (err) => report(client, err)));
  // pg-pool re-emits an idle client's error here after discarding it; the client's own listener
  // above has logged it already, but without a listener here the emit would throw.
  pool.on('error', () => undefined);
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
