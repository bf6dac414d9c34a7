import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { join } from 'node:path';
import type { DatabaseConnection } from './database';

/** drizzle/ at the project root, from src/db as from dist/db. */
export const MIGRATIONS_FOLDER = join(__dirname, '..', '..', 'drizzle');

// Any constant shared by every instance of the service; "saascore" in ASCII.
const MIGRATION_LOCK_KEY = 0x73616173;

/**
 * Applies pending migrations. On PostgreSQL it holds a session advisory lock on a dedicated
 * connection, so instances starting together migrate one after another instead of colliding.
 */
export async function runMigrations(connection: DatabaseConnection): Promise<void> {
  if (connection.kind === 'pglite') {
    await migratePglite(drizzlePglite(connection.pglite!), { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  const client = await connection.pool!.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
