import type { Database } from './database';

interface PreparedQuery<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

interface Preparable<R> {
  prepare(name?: string): PreparedQuery<R>;
}

/** What drizzle's node-postgres and PGlite sessions and prepared queries hold their connection in. */
interface WithClient {
  client?: unknown;
}

/**
 * A hot query whose SQL text and row mapping are built once, then run on the connection of
 * whichever transaction is current.
 *
 * Drizzle rebuilds a query-builder query (columns, joins, escaping, the result-field map) on every
 * call; on the members list that cost a third of the service's throughput (bench/README.md).
 * Build the query with `sql.placeholder('name')` for every value; `run(db, values)` fills them in.
 *
 * Moving a prepared query to another connection reads `session.client`, which drizzle does not
 * publish as API. When a drizzle upgrade moves it, `run` falls back to building the query on each
 * call: slower, never wrong. test/e2e/reusable-query.e2e-spec.ts checks the fast path is taken.
 *
 * The statement stays unnamed: a named one would be session state on the server, which PgBouncer
 * in transaction pooling does not keep (docs/operations.md). Naming measured within noise.
 */
export class ReusableQuery<Values extends Record<string, unknown>, Result> {
  private template?: PreparedQuery<Result> & WithClient;

  constructor(private readonly build: (db: Database) => Preparable<Result>) {}

  run(db: Database, values: Values): Promise<Result> {
    const client = (db as unknown as { session?: WithClient }).session?.client;
    if (client === undefined) return this.build(db).prepare().execute(values);
    this.template ??= this.build(db).prepare();
    if (!('client' in this.template)) return this.build(db).prepare().execute(values);
    const onThisConnection = Object.create(this.template) as PreparedQuery<Result> & WithClient;
    onThisConnection.client = client;
    return onThisConnection.execute(values);
  }

  /** Whether calls reuse the built query (false when drizzle's internals moved). */
  get reusesBuiltQuery(): boolean {
    return this.template !== undefined && 'client' in this.template;
  }
}
