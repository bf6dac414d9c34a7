import type { PGlite } from '@electric-sql/pglite';
import { SQL, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import type { Database, DatabaseConnection } from '../db/database';

type Rows = { rows: unknown[] };

/**
 * pg-boss's own connection, outside any transaction: the service's pg pool (one connection
 * budget for everything), or the embedded PGlite. pg-boss sends its schema migrations as one
 * string of several statements without parameters, which PGlite runs only through exec().
 */
export function connectionExecutor(connection: DatabaseConnection): PgBoss.Db {
  if (connection.pool) return poolExecutor(connection.pool);
  return pgliteExecutor(connection.pglite!);
}

/**
 * Scripts without parameters may hold `BEGIN; …; COMMIT` (pg-boss's migrations and maintenance
 * under an advisory lock). One that fails half-way leaves its session in an aborted transaction:
 * rolled back here, or the next statement on that connection would fail too.
 */
function poolExecutor(pool: Pool): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      if (values && values.length > 0) return pool.query(text, values);
      const client = await pool.connect();
      try {
        return await client.query(text);
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

function pgliteExecutor(pglite: PGlite): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      if (values && values.length > 0) return pglite.query(text, values);
      try {
        const results = await pglite.exec(text);
        return results.at(-1) ?? { rows: [] };
      } catch (err) {
        await pglite.exec('rollback').catch(() => undefined);
        throw err;
      }
    },
  };
}

/**
 * pg-boss statements run on a Drizzle transaction, so a job is written in the same transaction
 * as the change that asks for it. On PGlite this is also the only way: its single connection is
 * held by the open transaction, and a statement sent around it would wait forever.
 */
export function transactionExecutor(tx: Database): PgBoss.Db {
  return {
    executeSql: async (text, values = []) => {
      const result: unknown = await tx.execute(withParameters(text, values));
      return { rows: (result as Rows).rows };
    },
  };
}

/** pg-boss's `$1 … $n` text as a Drizzle query with bound parameters (never interpolated). */
export function withParameters(text: string, values: unknown[]): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(text.slice(last, match.index)));
    // sql.param keeps an array one parameter (a bare array would become a list of them).
    chunks.push(sql`${sql.param(values[Number(match[1]) - 1] ?? null)}`);
    last = match.index + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}
