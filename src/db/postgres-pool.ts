import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, PoolClient } from 'pg';
import type { DatabaseConfig } from '../common/config/app-config';

export interface DatabaseLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

type PostgresConfig = Extract<DatabaseConfig, { kind: 'postgres' }>;
type ConnectCallback = (
  err: Error | undefined,
  client: PoolClient | undefined,
  done: (release?: Error | boolean) => void,
) => void;

/** A transaction its client leaves idle this long is ended by the server (see startupOptions). */
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

/**
 * The service's pg pool. No database event may end the process or cost it a connection for good:
 * - pg-pool listens for `error` only on idle clients and removes that listener on checkout, so a
 *   connection cut while a request holds it (between two queries, idle in transaction, or under
 *   a running query: the server's FATAL, then the closed socket) would emit `error` on a client
 *   nobody listens to, and Node would end the process. Every client gets a listener for its
 *   whole life (watchConnections).
 * - A checked-out client whose connection dies goes back to the pool as broken at once, and the
 *   pool discards it (ConnectionGuardedPool). drizzle-orm's node-postgres `transaction()` runs
 *   BEGIN before its try/finally: when BEGIN fails on a connection that died while idle in the
 *   pool, it never calls release(), and each such client would hold a pool slot for the life of
 *   the process (measured: 4 of 5 slots lost after twenty rounds of pg_terminate_backend under
 *   load, every request then 503). Its later release(), if any, does nothing.
 * The request on such a client fails by itself: its next query (or the ROLLBACK drizzle sends)
 * rejects with "Client has encountered a connection error and is not queryable" or "Client was
 * closed and is not queryable", which answers 503.
 */
export function createPool(config: PostgresConfig, logger?: DatabaseLogger): Pool {
  const pool = new ConnectionGuardedPool({
    connectionString: config.url,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    options: startupOptions(config),
    application_name: 'saas-core-api',
  });
  watchConnections(pool, logger);
  return pool;
}

class ConnectionGuardedPool extends Pool {
  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
    if (!callback) return super.connect().then(releasedOnLoss);
    super.connect((err, client, done) => {
      if (err || !client) return callback(err, client, done);
      const guarded = releasedOnLoss(client);
      callback(undefined, guarded, (release) => guarded.release(release));
    });
  }
}

/** Releases the client as broken the moment its connection dies; a second release is a no-op. */
function releasedOnLoss(client: PoolClient): PoolClient {
  const release = client.release.bind(client);
  let released = false;
  const releaseOnce = (err?: Error | boolean) => {
    if (released) return;
    released = true;
    client.removeListener('error', releaseOnce);
    release(err);
  };
  client.once('error', releaseOnce);
  client.release = releaseOnce;
  return client;
}

/**
 * Server-side bounds for every session of the pool, sent as startup parameters:
 * - statement_timeout: a stuck statement cannot hold a connection forever.
 * - idle_in_transaction_session_timeout: a transaction whose client stops talking (a frozen or
 *   partitioned process) cannot hold its row locks forever; the server ends the session. A
 *   request's transaction is idle only between two of its queries (milliseconds), and a request
 *   that waits 10 s would be cut off by the SIGTERM grace anyway.
 */
function startupOptions(config: PostgresConfig): string | undefined {
  const idleInTransaction =
    config.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS;
  const options = [
    config.statementTimeoutMs > 0 ? `-c statement_timeout=${config.statementTimeoutMs}` : '',
    idleInTransaction > 0 ? `-c idle_in_transaction_session_timeout=${idleInTransaction}` : '',
  ].filter(Boolean);
  return options.length > 0 ? options.join(' ') : undefined;
}

/**
 * Logs each lost connection once, idle or checked out. The listener is bound to the context the
 * pool is created in (at start-up, outside any request): the 'connect' event fires inside the
 * request that asked for the connection, and a listener running there would log that unrelated
 * request's id.
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
