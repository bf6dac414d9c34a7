import { type Column, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * Helpers for the few reads every request runs (the caller, the members list, the repositories
 * list, `/users/me`). Drizzle's query builder rebuilds such a query on every call: columns,
 * joins, escaping and the result-field map were a third of the service's CPU on the members list
 * (bench/README.md). These reads are written instead with drizzle's `sql` template, their fixed
 * parts rendered to text once, and run with `execute` on the current transaction: public API
 * only, and still one unnamed statement per call (PgBouncer in transaction pooling keeps no
 * prepared statements; docs/operations.md).
 */

const dialect = new PgDialect();

/** A fragment without values (columns, tables, joins, order), rendered to SQL text once. */
export function rendered(fragment: SQL): SQL {
  const { sql: text, params } = dialect.sqlToQuery(fragment);
  if (params.length > 0) throw new Error('a rendered fragment must not hold values');
  return sql.raw(text);
}

/** The rows of an `execute` result: both drivers (pg and PGlite) return them as `rows`. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

type ValueOf<C extends Column> = C['_']['notNull'] extends true
  ? C['_']['data']
  : C['_']['data'] | null;

/**
 * Selects a set of columns under aliases and reads them back from raw rows the way drizzle's
 * builder does: each non-null value through its column's own `mapFromDriverValue` (timestamps
 * to Dates, whatever the driver returned them as).
 */
export class RowReader<C extends Record<string, Column>> {
  /** `"table"."column" as "<prefix><key>", …`, for the select list. */
  readonly columns: SQL;
  private readonly entries: [key: string, alias: string, column: Column][];

  constructor(columns: C, prefix = '') {
    this.entries = Object.entries(columns).map(([key, column]) => [key, prefix + key, column]);
    this.columns = rendered(
      sql.join(
        this.entries.map(([, alias, column]) => sql`${column} as ${sql.identifier(alias)}`),
        sql`, `,
      ),
    );
  }

  read(row: Record<string, unknown>): { [K in keyof C]: ValueOf<C[K]> } {
    const out: Record<string, unknown> = {};
    for (const [key, alias, column] of this.entries) {
      const value = row[alias];
      out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return out as { [K in keyof C]: ValueOf<C[K]> };
  }

  /** True when the row holds no value for any of these columns (an unmatched left join). */
  isAbsent(row: Record<string, unknown>): boolean {
    return this.entries.every(([, alias]) => row[alias] === null || row[alias] === undefined);
  }
}
