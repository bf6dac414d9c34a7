import type { Database } from './database';

interface PreparedQuery<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

interface Preparable<R> {
  prepare(name: string): PreparedQuery<R>;
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
 * call; on the members list that was about a sixth of the service's CPU (bench/README.md). Build
 * the query with `sql.placeholder('name')` for every value; `run(db, values)` fills them in.
 *
 * Moving a prepared query to another connection reads `session.client`, which drizzle does not
 * publish as API. When a drizzle upgrade moves it, `run` falls back to building the query on each
 * call: slower, never wrong. test/e2e/reusable-query.e2e-spec.ts checks the fast path is taken.
 *
 * The statement is named, so each pooled connection parses and plans it once and afterwards only
 * binds values (about 5% more requests per second in the bench). Its columns are listed, never
 * `*`, so a migration that adds a column does not invalidate it.
 */
export class ReusableQuery<Values extends Record<string, unknown>, Result> {
  private static readonly names = new Set<string>();
  private template?: PreparedQuery<Result> & WithClient;

  /** @param name the statement's name on the server: one name, one SQL text. */
  constructor(
    private readonly name: string,
    private readonly build: (db: Database) => Preparable<Result>,
  ) {
    // pg refuses a second text under a name a connection already prepared, at run time.
    if (ReusableQuery.names.has(name)) throw new Error(`ReusableQuery ${name} is defined twice`);
    ReusableQuery.names.add(name);
  }

  private prepare(db: Database): PreparedQuery<Result> & WithClient {
    return this.build(db).prepare(this.name);
  }

  run(db: Database, values: Values): Promise<Result> {
    const client = (db as unknown as { session?: WithClient }).session?.client;
    if (client === undefined) return this.prepare(db).execute(values);
    this.template ??= this.prepare(db);
    if (!('client' in this.template)) return this.prepare(db).execute(values);
    const onThisConnection: PreparedQuery<Result> & WithClient = Object.create(this.template);
    onThisConnection.client = client;
    return onThisConnection.execute(values);
  }

  /** Whether calls reuse the built query (false when drizzle's internals moved). */
  get reusesBuiltQuery(): boolean {
    return this.template !== undefined && 'client' in this.template;
  }
}
