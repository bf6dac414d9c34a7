import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { sqlState } from '../common/errors/database-errors';
import type { Database } from './database';
import { MIGRATIONS_FOLDER } from './migrator';

export interface MigrationStatus {
  /** Migrations of this build that the database has not applied; 0 = the schema is current. */
  pending: number;
  /** Migrations this build ships (drizzle/meta/_journal.json). */
  known: number;
}

// The migrator's bookkeeping table; drizzle's defaults, which runMigrations keeps.
const APPLIED = sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`;
const UNDEFINED_TABLE = '42P01';
const UNDEFINED_SCHEMA = '3F000';

let journal: number[] | undefined;

/** The `when` of each migration this build ships, read once. */
function shippedMigrations(): number[] {
  journal ??= readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map(
    (migration) => migration.folderMillis,
  );
  return journal;
}

/**
 * Compares the database with this build's migrations the way drizzle's migrator decides what to
 * apply: every shipped migration newer than the last applied one is pending. A database migrated
 * by a newer build (ahead of this one) counts as current, so old instances keep serving during
 * a rolling deploy. Rejects when the database does not answer.
 */
export async function migrationStatus(db: Database): Promise<MigrationStatus> {
  const shipped = shippedMigrations();
  const last = await lastAppliedMigration(db);
  const pending = shipped.filter((when) => last === undefined || last < when).length;
  return { pending, known: shipped.length };
}

async function lastAppliedMigration(db: Database): Promise<number | undefined> {
  try {
    const result = await db.execute<{ last: string | null }>(APPLIED);
    const last = (result as { rows: { last: string | null }[] }).rows[0]?.last;
    return last === null || last === undefined ? undefined : Number(last);
  } catch (err) {
    // Never migrated: neither the table nor its schema exists yet.
    const state = sqlState(err);
    if (state === UNDEFINED_TABLE || state === UNDEFINED_SCHEMA) return undefined;
    throw err;
  }
}
